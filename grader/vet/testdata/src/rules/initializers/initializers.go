package initializers

type iface interface{ m() }

type impl struct{ n int }

func (impl) m() {}

func f() int { return 1 }

func two() (int, int) { return 1, 2 }

var _ iface = (*impl)(nil)
var _ iface = impl{}
var _ iface = new(impl)
var _ iface = impl{n: 3}

var _ = f()
var _ iface = impl{n: f()}
var _ = func() int { return 1 }
var a, b = two()
