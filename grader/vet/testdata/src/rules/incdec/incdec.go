package incdec

var total int

func Count() {
	total++
	total += 2
}
