"""The sending engine. (Skeleton: the engine helper fills it in.)"""


def wake(mailing_id: int) -> None:
    raise NotImplementedError
