// go_threads - a Go program whose runtime must create at least N OS threads.
//
// What it does: starts N goroutines; each calls runtime.LockOSThread() and
// never unlocks, so every goroutine owns a distinct OS thread, and that
// thread is terminated when the goroutine returns (Go >= 1.10 behaviour).
// Once all N goroutines have locked their threads, main prints the
// "started" line and releases them; each then sleeps for ~SLEEP_MS
// milliseconds in a loop of raw nanosleep(2) system calls (<= 50 ms each)
// and returns.  So for at least SLEEP_MS after the "started" line the
// process has >= N+1 threads.  The runtime's thread limit is raised to
// N+1000 so large N does not crash.  Standard library only.
//
// Usage: go_threads [N [SLEEP_MS]]
//
//	N         number of locked goroutines (= OS threads), default 50, >= 1
//	SLEEP_MS  how long each goroutine sleeps after the start, default 500
//
// Output (stdout):
//
//	go_threads: started <N> locked goroutines
//	go_threads: done
//
// Exit code: 0 on success, 2 on bad usage or a failed system call.
//
// Used by tests of the tracing engine: thread following in a Go program
// (runtime-created threads via clone without glibc, threads exiting when
// locked goroutines end), attach/pause/detach of a Go process.
package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
	"syscall"
	"time"
)

const usage = "usage: go_threads [N [SLEEP_MS]]"

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "go_threads: "+format+"\n", args...)
	os.Exit(2)
}

func intArg(idx int, def, min, max int) int {
	if idx >= len(os.Args) {
		return def
	}
	v, err := strconv.Atoi(os.Args[idx])
	if err != nil || v < min || v > max {
		fmt.Fprintf(os.Stderr, "go_threads: bad argument '%s' (allowed %d..%d)\n", os.Args[idx], min, max)
		fail("%s", usage)
	}
	return v
}

func sleepRaw(d time.Duration) {
	deadline := time.Now().Add(d)
	for {
		remaining := time.Until(deadline)
		if remaining <= 0 {
			return
		}
		if remaining > 50*time.Millisecond {
			remaining = 50 * time.Millisecond
		}
		ts := syscall.NsecToTimespec(remaining.Nanoseconds())
		if err := syscall.Nanosleep(&ts, nil); err != nil && err != syscall.EINTR {
			fail("nanosleep: %v", err)
		}
	}
}

func main() {
	if len(os.Args) > 3 {
		fail("%s", usage)
	}
	n := intArg(1, 50, 1, 1000000)
	sleepMs := intArg(2, 500, 0, 1<<30)
	debug.SetMaxThreads(n + 1000)

	var started, done sync.WaitGroup
	release := make(chan struct{})
	started.Add(n)
	done.Add(n)
	for i := 0; i < n; i++ {
		go func() {
			defer done.Done()
			runtime.LockOSThread() // never unlocked: the thread dies with us
			started.Done()
			<-release
			sleepRaw(time.Duration(sleepMs) * time.Millisecond)
		}()
	}
	started.Wait()
	fmt.Printf("go_threads: started %d locked goroutines\n", n)
	close(release)
	done.Wait()
	fmt.Println("go_threads: done")
}
