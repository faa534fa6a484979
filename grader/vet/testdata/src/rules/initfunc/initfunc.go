package initfunc

func init() {}
