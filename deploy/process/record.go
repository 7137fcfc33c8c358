package process

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// recordFormat is the version of the record's layout.
const recordFormat = 1

// The states of a record.
const (
	statusStarting = "starting" // intent written; the process may or may not exist
	statusRunning  = "running"  // started: pid and procStart known
	statusStopping = "stopping" // a stop began; finish it
)

// record is one instance on disk, <dir>/<service>/<version>/<index>.json.
type record struct {
	Format  int    `json:"format"`
	Service string `json:"service"`
	Version string `json:"version"`
	Group   string `json:"group,omitempty"`
	Index   int    `json:"index"`
	Status  string `json:"status"`
	// Pid and ProcStart (field 22 of /proc/<pid>/stat: clock ticks after
	// boot) identify the process together with Argv.
	Pid       int       `json:"pid,omitempty"`
	ProcStart uint64    `json:"procStart,omitempty"`
	Host      string    `json:"host"`
	Port      int       `json:"port"`
	Argv      []string  `json:"argv"`
	Dir       string    `json:"dir"`
	Log       string    `json:"log"`
	Key       string    `json:"key,omitempty"`
	IntentAt  time.Time `json:"intentAt"`
	StartedAt time.Time `json:"startedAt,omitzero"`
}

func (r *record) name() string { return instanceName(r.Service, r.Version, r.Index) }

func (r *record) address() string { return joinHostPort(r.Host, r.Port) }

// id is the instance's handle in a DeployStatus: its name and pid.
func (r *record) id() string { return r.name() + "@" + strconv.Itoa(r.Pid) }

// store reads and writes the records under one directory.
type store struct {
	dir string // <data dir>/deploy
}

func (s store) versionDir(service, version string) string {
	return filepath.Join(s.dir, service, version)
}

func (s store) path(service, version string, index int) string {
	return filepath.Join(s.versionDir(service, version), strconv.Itoa(index)+".json")
}

func (s store) logPath(service, version string, index int) string {
	return filepath.Join(s.dir, "logs", instanceName(service, version, index)+".log")
}

// write replaces r's file atomically and durably: a crash leaves the old
// record or the new one, never half of one.
func (s store) write(r *record) error {
	r.Format = recordFormat
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	p := s.path(r.Service, r.Version, r.Index)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return fmt.Errorf("process: write record of %s: %w", r.name(), err)
	}
	if err := writeFileSync(p, b); err != nil {
		return fmt.Errorf("process: write record of %s: %w", r.name(), err)
	}
	return nil
}

func (s store) remove(r *record) error {
	p := s.path(r.Service, r.Version, r.Index)
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("process: remove record of %s: %w", r.name(), err)
	}
	return syncDir(filepath.Dir(p))
}

// list returns the records of service at version, by index. A record that
// cannot be read is reported in bad and, with fix, moved aside
// (<n>.json.corrupt), so its slot is free again and the file is kept for a
// person.
func (s store) list(service, version string, fix bool) (recs []*record, bad []string, err error) {
	dir := s.versionDir(service, version)
	ents, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("process: read %s: %w", dir, err)
	}
	for _, e := range ents {
		n, ok := strings.CutSuffix(e.Name(), ".json")
		index, aerr := strconv.Atoi(n)
		if !ok || aerr != nil || e.IsDir() {
			continue
		}
		p := filepath.Join(dir, e.Name())
		r, rerr := readRecord(p)
		if rerr == nil && (r.Service != service || r.Version != version || r.Index != index) {
			rerr = fmt.Errorf("it describes %s", r.name())
		}
		if rerr != nil {
			if fix {
				aside := p + ".corrupt"
				_ = os.Rename(p, aside)
				rerr = fmt.Errorf("%w (moved to %s)", rerr, aside)
			}
			bad = append(bad, fmt.Sprintf("%s: %v", p, rerr))
			continue
		}
		recs = append(recs, r)
	}
	slices.SortFunc(recs, func(a, b *record) int { return a.Index - b.Index })
	return recs, bad, nil
}

func readRecord(p string) (*record, error) {
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	var r record
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, err
	}
	if r.Format != recordFormat {
		return nil, fmt.Errorf("record format %d, this deployer reads %d", r.Format, recordFormat)
	}
	return &r, nil
}

// versions lists the versions of service with a directory.
func (s store) versions(service string) ([]string, error) {
	ents, err := os.ReadDir(filepath.Join(s.dir, service))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("process: read versions of %s: %w", service, err)
	}
	var out []string
	for _, e := range ents {
		if e.IsDir() && nameRE.MatchString(e.Name()) {
			out = append(out, e.Name())
		}
	}
	return out, nil
}

func writeFileSync(p string, b []byte) error {
	tmp := p + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, p)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return err
	}
	return syncDir(filepath.Dir(p))
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// JournalEntry is one line of <dir>/deploy/journal.jsonl: an instance the
// deployer started or stopped, or found dead. It is what tests and people
// count to prove that a step re-entered after a crash started nothing twice.
type JournalEntry struct {
	Time     time.Time `json:"time"`
	Action   string    `json:"action" enum:"start,stop,kill,died"`
	Instance string    `json:"instance"`
	Service  string    `json:"service"`
	Version  string    `json:"version"`
	Pid      int       `json:"pid,omitempty"`
	Port     int       `json:"port,omitempty"`
	Key      string    `json:"key,omitempty"`
}

// The journal's actions.
const (
	ActionStart = "start"
	ActionStop  = "stop" // ended by SIGTERM within the grace
	ActionKill  = "kill" // ended by SIGKILL after the grace
	ActionDied  = "died" // found dead (not by this deployer's hand)
)

func (s store) journal(e JournalEntry) error {
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(s.dir, "journal.jsonl"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("process: journal: %w", err)
	}
	_, err = f.Write(append(b, '\n'))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("process: journal: %w", err)
	}
	return nil
}

// ReadJournal returns the journal of the deployer whose data dir is dir
// (the dir given to New), oldest first.
func ReadJournal(dir string) ([]JournalEntry, error) {
	f, err := os.Open(filepath.Join(dir, "deploy", "journal.jsonl"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("process: read journal: %w", err)
	}
	defer f.Close()
	var out []JournalEntry
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var e JournalEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return out, fmt.Errorf("process: read journal line %d: %w", len(out)+1, err)
		}
		out = append(out, e)
	}
	return out, sc.Err()
}
