printf abc > x.raw; $IMGTOOL info --output=json x.raw | grep -v actual-size
