package workspace

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"
)

// touch marks the runner at exe as just used (pruning keeps the most
// recently used) and reports whether it exists. A runner in a cache shared
// with other users may not be ours to touch: it is used all the same.
func touch(exe string) bool {
	if _, err := os.Stat(exe); err != nil {
		return false
	}
	now := time.Now()
	os.Chtimes(exe, now, now)
	return true
}

// lockFile takes an flock(2) on path (created if need be): LOCK_EX alone,
// LOCK_SH shared with other holders of LOCK_SH. An flock belongs to an
// open file, so it excludes other opens in this process as well as other
// processes, and the system releases it if the process dies. It returns
// the function that releases it.
func lockFile(ctx context.Context, path string, how int) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("workspace: lock the build cache: %w", err)
	}
	fd := int(f.Fd())
	unlock := func() {
		syscall.Flock(fd, syscall.LOCK_UN)
		f.Close()
	}
	if flock(fd, how|syscall.LOCK_NB) == nil {
		return unlock, nil
	}
	done := make(chan error, 1)
	go func() { done <- flock(fd, how) }()
	select {
	case err := <-done:
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("workspace: lock %s: %w", path, err)
		}
		return unlock, nil
	case <-ctx.Done():
		// The holder finishes within its build's time limit; then the
		// lock is ours, and let go at once.
		go func() {
			if <-done == nil {
				unlock()
			} else {
				f.Close()
			}
		}()
		return nil, ctx.Err()
	}
}

// flock is syscall.Flock, tried again when a signal interrupts it.
func flock(fd, how int) error {
	for {
		err := syscall.Flock(fd, how)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}

// ensurePlatform extracts the platform's source into dir once. Extractions
// in this process or others wait for the first: the lock; a process
// killed halfway leaves only a temporary folder: the rename.
func ensurePlatform(ctx context.Context, dir string) error {
	complete := filepath.Join(dir, ".complete")
	if _, err := os.Stat(complete); err == nil {
		return nil
	}
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	unlock, err := lockFile(ctx, dir+".lock", syscall.LOCK_EX)
	if err != nil {
		return err
	}
	defer unlock()
	if _, err := os.Stat(complete); err == nil {
		return nil // another grader got there first
	}
	if _, err := os.Stat(dir); err == nil {
		// Not complete, yet renamed into place: not by this code. Start again.
		if err := makeWritable(dir); err != nil {
			return err
		}
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
	}
	tmp, err := os.MkdirTemp(parent, filepath.Base(dir)+".tmp-")
	if err != nil {
		return err
	}
	defer func() {
		makeWritable(tmp)
		os.RemoveAll(tmp)
	}()
	if err := Extract(tmp); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(tmp, "submission"), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(tmp, ".complete"), nil, 0o444); err != nil {
		return err
	}
	return os.Rename(tmp, dir)
}

// prune keeps the cache bounded; it runs after each build that made a
// runner, and never fails a build. It removes
//   - runners beyond the limits.Runners most recently used, with their lock
//     files, unless used within unusedFor;
//   - lock files of builds that made no runner (compile errors), and the
//     private folders and platform extractions of killed processes, once
//     unused for unusedFor;
//   - faultline's Go build cache when it has grown past limits.GoCache.
func prune(cache, platform string, limits Limits) {
	now := time.Now()
	old := func(info fs.FileInfo) bool { return now.Sub(info.ModTime()) > unusedFor }
	pruneRunners(filepath.Join(cache, "runners"), limits.Runners, old)
	for _, dir := range []string{filepath.Join(platform, "submission"), filepath.Join(cache, "platform")} {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			info, err := e.Info()
			if err != nil || !old(info) || (dir == filepath.Join(cache, "platform") && !strings.Contains(e.Name(), ".tmp-")) {
				continue
			}
			makeWritable(filepath.Join(dir, e.Name()))
			os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
	if os.Getenv("FAULTLINE_GOCACHE") == "" && limits.GoCache > 0 {
		pruneGoCache(cache, limits.GoCache)
	}
}

// pruneRunners removes the runners in dir beyond the keep most recently
// used (their runner file's modification time: touch), and lock files left
// without a runner, when old says they may go. A runner whose lock is held
// is being built, or waited for: it stays.
func pruneRunners(dir string, keep int, old func(fs.FileInfo) bool) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	type runner struct {
		key  string
		info fs.FileInfo
	}
	var runners []runner
	locks := map[string]fs.FileInfo{}
	for _, e := range entries {
		if key, ok := strings.CutSuffix(e.Name(), ".lock"); ok {
			if info, err := e.Info(); err == nil {
				locks[key] = info
			}
			continue
		}
		if !e.IsDir() {
			continue
		}
		info, err := os.Stat(filepath.Join(dir, e.Name(), "runner"))
		if err != nil {
			info, err = e.Info() // a folder that never got its runner
		}
		if err == nil {
			runners = append(runners, runner{e.Name(), info})
		}
	}
	sort.Slice(runners, func(i, j int) bool { return runners[i].info.ModTime().After(runners[j].info.ModTime()) })
	kept := map[string]bool{}
	for i, r := range runners {
		if i < keep || !old(r.info) {
			kept[r.key] = true
		}
	}
	remove := func(key string) {
		lock := filepath.Join(dir, key+".lock")
		f, err := os.OpenFile(lock, os.O_CREATE|os.O_RDWR, 0o644)
		if err != nil {
			return
		}
		defer f.Close()
		if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) != nil {
			return
		}
		// Whoever opened the lock file before it goes builds again, in a
		// folder of its own, and renames its runner into place: a removal
		// costs at most a second build, never a wrong one.
		os.RemoveAll(filepath.Join(dir, key))
		os.Remove(lock)
	}
	for _, r := range runners {
		if !kept[r.key] {
			remove(r.key)
		}
	}
	for key, info := range locks {
		if _, err := os.Stat(filepath.Join(dir, key)); errors.Is(err, fs.ErrNotExist) && old(info) {
			remove(key)
		}
	}
}

// pruneGoCache wipes faultline's Go build cache when it is larger than
// bound bytes. The go command trims its cache only of entries unused for
// days, so a few submissions with huge literals could fill a disk. Counting
// a cache of a few thousand files takes milliseconds. The wipe happens
// only while no build uses the cache; a later build tries again.
func pruneGoCache(cache string, bound int64) {
	dir := filepath.Join(cache, "gocache")
	if dirSize(dir) <= bound {
		return
	}
	f, err := os.OpenFile(filepath.Join(cache, "gocache.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) != nil {
		return
	}
	// Move it aside while alone with it, delete it after: builds wait for
	// the rename only, not for deleting gigabytes.
	trash, err := os.MkdirTemp(cache, "gocache.old-")
	if err != nil {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		return
	}
	err = os.Rename(dir, filepath.Join(trash, "gocache"))
	syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	os.RemoveAll(trash)
}

// dirSize is the total size of the regular files under dir.
func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}
