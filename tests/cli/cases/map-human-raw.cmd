printf abc > x.raw; $IMGTOOL map -f raw x.raw
