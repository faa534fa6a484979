package wallclock

import "time"

func Wait() {
	_ = time.Now()
	time.Sleep(time.Second)
	_ = time.Duration(5) * time.Millisecond
}
