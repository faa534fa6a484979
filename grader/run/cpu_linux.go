package run

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"syscall"
	"time"
)

// threadClock locks the calling goroutine to its thread and returns a
// clock of that thread's CPU time, readable from any goroutine: the
// in-process watchdog's measure of one run among several in the process.
// It reads /proc/self/task/TID/stat (proc(5): utime and stime, fields 14
// and 15, in clock ticks of 1/100 s, USER_HZ on every Linux ABI). The
// caller unlocks the thread when its runs are done.
func threadClock() func() (time.Duration, bool) {
	runtime.LockOSThread()
	path := fmt.Sprintf("/proc/self/task/%d/stat", syscall.Gettid())
	return func() (time.Duration, bool) {
		b, err := os.ReadFile(path)
		if err != nil {
			return 0, false
		}
		// The command name in parentheses may hold spaces: fields count
		// from the last ')'.
		i := bytes.LastIndexByte(b, ')')
		if i < 0 {
			return 0, false
		}
		f := bytes.Fields(b[i+1:]) // f[0] is field 3, the state
		if len(f) < 13 {
			return 0, false
		}
		u, err1 := strconv.ParseInt(string(f[11]), 10, 64)
		s, err2 := strconv.ParseInt(string(f[12]), 10, 64)
		if err1 != nil || err2 != nil {
			return 0, false
		}
		return time.Duration(u+s) * 10 * time.Millisecond, true
	}
}
