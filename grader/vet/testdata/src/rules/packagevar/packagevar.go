package packagevar

var seen = map[int]bool{}

var (
	count int
	_     int
)
