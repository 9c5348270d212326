"""Writing many alumni at once: users, profiles, skills and languages in bulk.

The import hands :class:`BulkWriter` chunks of valid lines (a few thousand);
each chunk costs a fixed number of queries whatever its size: one to find
the existing users by e-mail, one for their profiles, one for their skills,
then ``bulk_create`` of new users, profiles, tags, skill and language rows
and one prepared ``UPDATE`` run for all the changed rows
(:func:`update_rows`); replaced skills and languages go in one ``DELETE``
(:func:`delete_rows`). ``bulk_create`` skips ``save()``, so the denormalised
``search_text`` and ``sort_name`` are computed here with
``AlumniProfile.refresh_denormalised``.

Rules (one home, here):

- an alumnus is known by e-mail, without case: an existing user is updated,
  never duplicated; a new one gets an unusable password (they choose one with
  "Forgotten password") and the lower-cased e-mail as username;
- only the cells the file fills change anything: an empty cell keeps the
  current value; names are the user's, the rest the profile's;
- the file may restrict an existing profile's privacy (unlisted, consent
  withdrawn) but never widens it: an alumnus who left the directory or
  withdrew consent keeps that choice whatever an older spreadsheet says.
  A new profile takes the file's choices; consent counts only with its date.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import connection
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from taggit.models import Tag

from .alumni_csv import CleanLine
from .models import AlumniProfile, AlumniProfileSkill, ProfileLanguage

#: Profile fields the file may fill, copied as they come.
PROFILE_FIELDS = (
    "country",
    "city",
    "institution",
    "field_of_study",
    "degree",
    "graduation_year",
    "employer",
    "job_title",
    "sector_id",
)
USER_FIELDS = ("first_name", "last_name")
#: What is written back on an existing profile.
UPDATED_PROFILE_FIELDS = (
    *PROFILE_FIELDS,
    "listed",
    "accepts_partner_mailings",
    "mailing_consent_at",
    "search_text",
    "sort_name",
    "updated_at",
)
USERNAME_MAX = 150
#: Characters Django's username validator accepts.
NOT_USERNAME = re.compile(r"[^\w.@+-]")


def update_rows(model, objects: list, fields) -> None:
    """Write ``fields`` of each of ``objects`` back: one statement, many rows.

    ``QuerySet.bulk_update`` builds a ``CASE WHEN`` per field and row, which
    cost 20,000 profiles three minutes; ``executemany`` of one prepared
    ``UPDATE`` takes seconds (psycopg pipelines it on PostgreSQL). Values go
    through each field's ``get_db_prep_save``, as ``save()`` does.
    """
    if not objects:
        return
    opts = model._meta
    columns = [opts.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    # Only the model's own table and column names go in the statement; the
    # values are parameters.
    sql = "UPDATE {table} SET {columns} WHERE {pk} = %s".format(  # noqa: S608
        table=quote(opts.db_table),
        columns=", ".join(f"{quote(field.column)} = %s" for field in columns),
        pk=quote(opts.pk.column),
    )
    rows = [
        [
            field.get_db_prep_save(getattr(obj, field.attname), connection)
            for field in columns
        ]
        + [obj.pk]
        for obj in objects
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def delete_rows(model, field_name: str, values: list) -> None:
    """``DELETE`` the rows whose ``field_name`` is in ``values``, signals aside.

    ``QuerySet.delete()`` loads every row and sends ``post_delete`` for each
    (the directory listens, to renew its cached counts): for thousands of
    skill rows that is most of an import's time. The import renews the
    directory's version once, at the end.
    """
    if not values:
        return
    field = model._meta.get_field(field_name)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for start in range(0, len(values), 500):
            batch = values[start : start + 500]
            cursor.execute(
                "DELETE FROM {table} WHERE {column} IN ({marks})".format(  # noqa: S608
                    table=quote(model._meta.db_table),
                    column=quote(field.column),
                    marks=", ".join(["%s"] * len(batch)),
                ),
                batch,
            )


def username_for(email: str, *, hashed: bool = False) -> str:
    """The lower-cased e-mail, made a valid username (hashed when too long)."""
    base = NOT_USERNAME.sub("_", email.lower())
    if not hashed and len(base) <= USERNAME_MAX:
        return base
    digest = hashlib.sha256(email.lower().encode()).hexdigest()[:12]
    return f"{base[: USERNAME_MAX - 13]}-{digest}"


class BulkWriter:
    """Creates or updates the alumni of chunks of valid lines (see module doc).

    One writer serves one import: it keeps the tag names it has seen, and
    counts the profiles it created and updated.
    """

    def __init__(self):
        self.created = 0
        self.updated = 0
        self.now = timezone.now()
        self._tags: dict[str, int] | None = None
        self.User = get_user_model()

    # --- the chunk ---------------------------------------------------------

    def write(self, lines: list[CleanLine]) -> None:
        by_email = {line.email.lower(): line for line in lines}
        users = self._existing_users(list(by_email))
        self._save_users(by_email, users)
        profiles = {
            profile.user_id: profile
            for profile in AlumniProfile.objects.filter(
                user_id__in=[user.pk for user in users.values()]
            )
        }
        current_skills = self._skill_names([p.pk for p in profiles.values()])

        new_profiles, changed_profiles = [], []
        skills: list[tuple[AlumniProfile, list[str]]] = []
        languages: list[tuple[AlumniProfile, list[str]]] = []
        for key, line in by_email.items():
            user = users[key]
            profile = profiles.get(user.pk)
            is_new = profile is None
            if is_new:
                profile = AlumniProfile(user=user)
                new_profiles.append(profile)
            else:
                profile.user = user
                profile.updated_at = self.now
                changed_profiles.append(profile)
            self._fill(profile, line.values, is_new)
            skill_names = line.values.get("skills")
            if skill_names is not None:
                skills.append((profile, skill_names))
            else:
                skill_names = [] if is_new else current_skills.get(profile.pk, [])
            if "languages" in line.values:
                languages.append((profile, line.values["languages"]))
            profile.refresh_denormalised(skill_names)

        AlumniProfile.objects.bulk_create(new_profiles, batch_size=500)
        update_rows(AlumniProfile, changed_profiles, UPDATED_PROFILE_FIELDS)
        self._save_skills(skills, replacing=[p.pk for p in changed_profiles])
        self._save_languages(languages, replacing=[p.pk for p in changed_profiles])
        self.created += len(new_profiles)
        self.updated += len(changed_profiles)

    # --- users -------------------------------------------------------------

    def _existing_users(self, emails: list[str]) -> dict:
        """Lower-cased e-mail → user, matched by e-mail, else by username."""
        found: dict = {}
        by_username: dict = {}
        wanted = set(emails)
        for user in (
            self.User.objects.annotate(_email=Lower("email"))
            .filter(Q(_email__in=emails) | Q(username__in=emails))
            .order_by("pk")
        ):
            email = (user.email or "").lower()
            if email in wanted:
                found.setdefault(email, user)
            else:
                by_username.setdefault(user.username, user)
        for key, user in by_username.items():
            found.setdefault(key, user)
        return found

    def _save_users(self, by_email: dict[str, CleanLine], users: dict) -> None:
        new_users, changed_users = [], []
        for key, line in by_email.items():
            user = users.get(key)
            if user is None:
                user = self.User(
                    email=line.email,
                    first_name=line.values.get("first_name", ""),
                    last_name=line.values.get("last_name", ""),
                    is_active=True,
                    # Unusable (as make_password(None), for less): they set a
                    # password with "Forgotten password".
                    password=UNUSABLE_PASSWORD_PREFIX + secrets.token_hex(20),
                )
                users[key] = user
                new_users.append(user)
                continue
            changed = False
            for name in USER_FIELDS:
                value = line.values.get(name)
                if value and getattr(user, name) != value:
                    setattr(user, name, value)
                    changed = True
            if changed:
                changed_users.append(user)
        self._assign_usernames(new_users)
        self.User.objects.bulk_create(new_users, batch_size=500)
        if new_users and new_users[0].pk is None:  # pragma: no cover - old SQLite
            raise RuntimeError("The database does not return ids from bulk inserts.")
        update_rows(self.User, changed_users, USER_FIELDS)

    def _assign_usernames(self, users: list) -> None:
        wanted = [(user, username_for(user.email)) for user in users]
        taken = set(
            self.User.objects.filter(
                username__in=[name for _user, name in wanted]
            ).values_list("username", flat=True)
        )
        for user, name in wanted:
            if name in taken:
                name = username_for(user.email, hashed=True)
                counter = 1
                while self.User.objects.filter(username=name).exists():
                    counter += 1
                    name = username_for(f"{user.email}#{counter}", hashed=True)
            taken.add(name)
            user.username = name

    # --- profiles ----------------------------------------------------------

    def _fill(self, profile: AlumniProfile, values: dict, is_new: bool) -> None:
        for name in PROFILE_FIELDS:
            if name in values:
                setattr(profile, name, values[name])
        listed = values.get("listed")
        if is_new and listed is not None:
            profile.listed = listed
        elif listed is False:
            profile.listed = False
        consent = values.get("consent")
        if consent is False:
            profile.accepts_partner_mailings = False
            profile.mailing_consent_at = None
        elif consent and is_new:
            profile.accepts_partner_mailings = True
            profile.mailing_consent_at = values["consent_at"]

    # --- skills and languages ----------------------------------------------

    def _skill_names(self, profile_ids: list[int]) -> dict[int, list[str]]:
        names: dict[int, list[str]] = defaultdict(list)
        if profile_ids:
            for profile_id, name in AlumniProfileSkill.objects.filter(
                content_object_id__in=profile_ids
            ).values_list("content_object_id", "tag__name"):
                names[profile_id].append(name)
        return names

    def _save_skills(self, skills, replacing: list[int]) -> None:
        if not skills:
            return
        tag_ids = self._tag_ids({name for _p, names in skills for name in names})
        rewritten = {profile.pk for profile, _names in skills}
        delete_rows(
            AlumniProfileSkill,
            "content_object",
            [pk for pk in replacing if pk in rewritten],
        )
        AlumniProfileSkill.objects.bulk_create(
            (
                AlumniProfileSkill(content_object_id=profile.pk, tag_id=tag_id)
                for profile, names in skills
                for tag_id in dict.fromkeys(tag_ids[n.casefold()] for n in names)
            ),
            batch_size=1000,
        )

    def _save_languages(self, languages, replacing: list[int]) -> None:
        if not languages:
            return
        rewritten = {profile.pk for profile, _codes in languages}
        delete_rows(
            ProfileLanguage, "profile", [pk for pk in replacing if pk in rewritten]
        )
        ProfileLanguage.objects.bulk_create(
            (
                ProfileLanguage(profile_id=profile.pk, code=code)
                for profile, codes in languages
                for code in codes
            ),
            batch_size=1000,
        )

    @property
    def tags(self) -> dict[str, int]:
        """Every tag, by name without case (loaded once: a few thousand rows)."""
        if self._tags is None:
            self._tags = {}
            for name, pk in Tag.objects.order_by("pk").values_list("name", "pk"):
                self._tags.setdefault(name.casefold(), pk)
        return self._tags

    def _tag_ids(self, names: set[str]) -> dict[str, int]:
        """Tag id of each name (without case), creating the missing tags in bulk."""
        missing = {}
        for name in names:
            if name.casefold() not in self.tags:
                missing.setdefault(name.casefold(), name)
        if missing:
            self._create_tags(list(missing.values()))
        return self.tags

    def _create_tags(self, names: list[str]) -> None:
        slugger = Tag()
        slugs = {name: slugger.slugify(name) for name in names}
        taken = set(
            Tag.objects.filter(slug__in=list(slugs.values())).values_list(
                "slug", flat=True
            )
        )
        batch, one_by_one = [], []
        for name, slug in slugs.items():
            if not slug or slug in taken:
                one_by_one.append(name)
            else:
                taken.add(slug)
                batch.append(Tag(name=name, slug=slug))
        # Another import (or an alumnus) may add the same tag meanwhile:
        # conflicts are skipped and the tags read back by name.
        Tag.objects.bulk_create(batch, batch_size=500, ignore_conflicts=True)
        for name, pk in Tag.objects.filter(
            name__in=[tag.name for tag in batch]
        ).values_list("name", "pk"):
            self.tags.setdefault(name.casefold(), pk)
        for name in [tag.name for tag in batch] + one_by_one:
            if name.casefold() not in self.tags:
                # Tag.save finds a free slug ("name_1") for the rare clash.
                tag = Tag.objects.filter(name=name).first() or Tag.objects.create(
                    name=name
                )
                self.tags[name.casefold()] = tag.pk
