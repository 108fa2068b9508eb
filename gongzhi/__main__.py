"""`python -m gongzhi ...` is the same as the `gongzhi` console script."""

from gongzhi.manage import main

main()
