$IMGTOOL create --usage
