package process

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/switchyard-io/switchyard"
)

var _ switchyard.Deployer = (*Deployer)(nil)

// Options are the deployer's collaborators; every field is optional.
type Options struct {
	Logger *slog.Logger
	// Now is the clock of the records' times (default time.Now).
	Now func() time.Time
	// Output, if set, gets each instance's log as it grows, one line per
	// Write, as well as the log file: the demo prefixes the lines with
	// the instance's name. name is <service>-<version>-<n>.
	Output func(name string) io.Writer
	// Environ is the control plane's environment PassEnv is taken from
	// (default os.Environ).
	Environ func() []string
}

// Deployer runs a Catalog's services as local processes; see the package
// comment for what it keeps on disk and how it adopts processes. One
// Deployer at a time uses a data dir (a second New on it is refused).
type Deployer struct {
	cat     Catalog
	svcs    map[string]*Service
	st      store
	log     *slog.Logger
	now     func() time.Time
	output  func(string) io.Writer
	environ func() []string
	lockf   *os.File

	mu        sync.Mutex
	closed    bool
	locks     map[string]chan struct{} // per service/version
	ports     map[int]string           // port → instance holding it
	children  map[int]*child           // processes this one started, by pid
	followers map[string]*follower     // by instance name
	wg        sync.WaitGroup           // followers
}

// child is a process this deployer started and reaps.
type child struct {
	start uint64
	done  chan struct{}
	err   error // how it exited, set before done closes
}

// New opens the deployer whose state lives in dir/deploy and adopts the
// instances a previous deployer on dir started that still run. It refuses
// an invalid catalog (CodeInvalid naming the field) and a dir another
// deployer uses (CodeConflict).
func New(dir string, cat Catalog, opts Options) (*Deployer, error) {
	if err := cat.Validate(); err != nil {
		return nil, err
	}
	cat, err := cat.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := resolveBinaries(&cat); err != nil {
		return nil, err
	}
	if dir == "" {
		return nil, switchyard.FieldErrorf("dir", "", "dir: the deployer needs a data directory")
	}
	abs, err := filepath.Abs(filepath.Join(dir, "deploy"))
	if err != nil {
		return nil, fmt.Errorf("process: %w", err)
	}
	if err := os.MkdirAll(filepath.Join(abs, "logs"), 0o700); err != nil {
		return nil, fmt.Errorf("process: make %s: %w", abs, err)
	}
	lockf, err := lockDir(abs)
	if err != nil {
		return nil, err
	}
	d := &Deployer{
		cat: cat, svcs: map[string]*Service{}, st: store{dir: abs}, lockf: lockf,
		log: cmp.Or(opts.Logger, slog.New(slog.DiscardHandler)), now: opts.Now, output: opts.Output, environ: opts.Environ,
		locks: map[string]chan struct{}{}, ports: map[int]string{}, children: map[int]*child{}, followers: map[string]*follower{},
	}
	if d.now == nil {
		d.now = time.Now
	}
	if d.environ == nil {
		d.environ = os.Environ
	}
	for i := range d.cat.Services {
		s := &d.cat.Services[i]
		d.svcs[s.Name] = s
	}
	d.adopt()
	return d, nil
}

func lockDir(dir string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("process: lock %s: %w", dir, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		_ = f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, switchyard.Errorf(switchyard.CodeConflict, "process: another deployer uses %s", dir)
		}
		return nil, fmt.Errorf("process: lock %s: %w", dir, err)
	}
	return f, nil
}

// adopt takes over what a previous deployer on the dir runs: the ports
// of every record stay reserved, and live instances' logs are followed.
// Dead and half-started instances are settled by the next Ensure.
func (d *Deployer) adopt() {
	n := 0
	for _, s := range d.cat.Services {
		versions, err := d.st.versions(s.Name)
		if err != nil {
			d.log.Warn("deployer: read what runs", "service", s.Name, "err", err)
			continue
		}
		for _, v := range versions {
			recs, _, _ := d.st.list(s.Name, v, false)
			for _, r := range recs {
				d.ports[r.Port] = r.name()
				if r.Status == statusRunning && r.alive() {
					d.follow(r, -1)
					n++
				}
			}
		}
	}
	if n > 0 {
		d.log.Info("deployer: adopted the instances a previous control plane started", "instances", n, "dir", d.st.dir)
	}
}

// Close stops following the instances' logs and lets another deployer use
// the dir. It does not stop the instances (StopAll does): they keep
// serving, and the next deployer on the dir adopts them.
func (d *Deployer) Close() error {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return nil
	}
	d.closed = true
	for _, f := range d.followers {
		f.stop()
	}
	d.mu.Unlock()
	d.wg.Wait()
	return d.lockf.Close()
}

// lock takes service/version's lock, or fails with ctx.
func (d *Deployer) lock(ctx context.Context, service, version string) (func(), error) {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return nil, switchyard.Errorf(switchyard.CodeUnavailable, "process: the deployer is closed")
	}
	k := service + "/" + version
	l, ok := d.locks[k]
	if !ok {
		l = make(chan struct{}, 1)
		d.locks[k] = l
	}
	d.mu.Unlock()
	select {
	case l <- struct{}{}:
		return func() { <-l }, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("process: wait for %s %s: %w", service, version, ctx.Err())
	}
}

func (d *Deployer) service(name string) (*Service, error) {
	s, ok := d.svcs[name]
	if !ok {
		known := make([]string, 0, len(d.svcs))
		for k := range d.svcs {
			known = append(known, k)
		}
		slices.Sort(known)
		return nil, switchyard.FieldErrorf("service", "", "service: the process deployer does not know service %q (it knows %v)", name, known)
	}
	return s, nil
}

// Status implements switchyard.Deployer: the live instances of service at
// version (every version if ""), by version and index. It changes nothing.
func (d *Deployer) Status(ctx context.Context, service, version string) ([]*switchyard.DeployedInstance, error) {
	if _, err := d.service(service); err != nil {
		return nil, err
	}
	versions := []string{version}
	if version == "" {
		var err error
		if versions, err = d.st.versions(service); err != nil {
			return nil, err
		}
		slices.Sort(versions)
	} else if err := checkVersion(version); err != nil {
		return nil, err
	}
	out := []*switchyard.DeployedInstance{}
	for _, v := range versions {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		recs, _, err := d.st.list(service, v, false)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			if r.Status == statusRunning && r.alive() {
				out = append(out, r.instance())
			}
		}
	}
	return out, nil
}

func (r *record) instance() *switchyard.DeployedInstance {
	return &switchyard.DeployedInstance{ID: r.id(), Service: r.Service, Version: r.Version, Address: r.address(), StartedAt: r.StartedAt, StartedBy: r.Key}
}

func checkVersion(v string) error {
	if !nameRE.MatchString(v) {
		return switchyard.FieldErrorf("version", "", "version: %q is not a version the process deployer can run (letters, digits, '.', '_', '-'; at most 128)", v)
	}
	return nil
}
