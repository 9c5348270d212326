"""One recipient's e-mail. (Skeleton: the rendering helper fills it in.)"""
