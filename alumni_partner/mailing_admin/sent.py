"""(Skeleton: filled in by the mailing admin helpers.)"""

urlpatterns: list = []
