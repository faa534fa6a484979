package pointermethod

type counter struct{ n int }

func (c *counter) inc() { c.n++ }

func (c counter) get() int { return c.n }

var c counter

func Use() int {
	c.inc()
	f := c.inc
	f()
	return c.get()
}
