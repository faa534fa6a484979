package bad

import (
	"math/rand/v2"
	"os"            // want `import "os" is not allowed in lab code`
	"sync"          // want `import "sync" is not allowed in lab code: handlers never run concurrently`
	"text/template" // want `import "text/template" is not in this lab's allowlist`
	"time"
)

var mu sync.Mutex // want `package-level variable mu is not allowed`

func handler(r *rand.Rand) {
	go func() {}()                  // want `go statement: lab code must not start goroutines`
	ch := make(chan int)            // want `channel type`
	ch <- 1                         // want `channel send`
	<-ch                            // want `channel receive`
	select {}                       // want `select statement`
	_ = time.Now()                  // want `time.Now uses the wall clock: use env.Now\(\) instead`
	time.Sleep(time.Second)         // want `time.Sleep uses the wall clock`
	_ = rand.IntN(3)                // want `rand.IntN draws from the global random source: use env.Rand\(\).IntN`
	_ = r.IntN(3)                   // a private source's method is fine
	_ = rand.New(rand.NewPCG(1, 2)) // a private source is deterministic
	_ = time.Duration(5) * time.Millisecond
	_ = os.Args // want `reading os.Args shares it`
	_ = template.New
}
