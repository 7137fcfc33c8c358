package process

import (
	"bytes"
	"io"
	"os"
	"sync"
	"time"
)

// follower copies an instance's log to Options.Output as it grows. The
// instance writes its log file itself (not a pipe to this process), so it
// keeps running, and logging, when the control plane is gone.
type follower struct {
	quit chan struct{}
	once sync.Once
}

func (f *follower) stop() { f.once.Do(func() { close(f.quit) }) }

// follow starts copying r's log from offset (-1: from its end now).
func (d *Deployer) follow(r *record, offset int64) {
	if d.output == nil {
		return
	}
	w := d.output(r.name())
	if w == nil {
		return
	}
	file, err := os.Open(r.Log)
	if err != nil {
		d.log.Debug("deployer: follow an instance's log", "instance", r.name(), "err", err)
		return
	}
	whence := io.SeekStart
	if offset < 0 {
		offset, whence = 0, io.SeekEnd
	}
	if _, err := file.Seek(offset, whence); err != nil {
		_ = file.Close()
		return
	}
	f := &follower{quit: make(chan struct{})}
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		_ = file.Close()
		return
	}
	if old := d.followers[r.name()]; old != nil {
		old.stop()
	}
	d.followers[r.name()] = f
	d.wg.Add(1)
	d.mu.Unlock()
	go func() {
		defer d.wg.Done()
		defer file.Close()
		copyLines(file, w, f.quit, 100*time.Millisecond)
	}()
}

// maxLine is where a line without an end is cut for Output.
const maxLine = 64 << 10

// copyLines writes each complete line of r to w as r grows, polling every
// interval, until quit closes; then it copies what is left and returns.
func copyLines(r io.Reader, w io.Writer, quit <-chan struct{}, interval time.Duration) {
	buf := make([]byte, 32<<10)
	var line []byte
	t := time.NewTicker(interval)
	defer t.Stop()
	stopping := false
	for {
		n, err := r.Read(buf)
		if n > 0 {
			line = append(line, buf[:n]...)
			line = writeLines(w, line)
			continue
		}
		if err != nil && err != io.EOF {
			return
		}
		if stopping {
			if len(line) > 0 {
				_, _ = w.Write(append(line, '\n'))
			}
			return
		}
		select {
		case <-quit:
			stopping = true
		case <-t.C:
		}
	}
}

// writeLines writes b's complete lines to w, one per Write, and returns
// the rest.
func writeLines(w io.Writer, b []byte) []byte {
	for {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			break
		}
		_, _ = w.Write(b[:i+1])
		b = b[i+1:]
	}
	if len(b) >= maxLine {
		_, _ = w.Write(append(b, '\n'))
		b = nil
	}
	return append([]byte(nil), b...)
}
