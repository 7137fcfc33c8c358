package process

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestParseStat(t *testing.T) {
	tail := " 1 1 1 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 987654 1000 10"
	tests := []struct {
		name, line string
		state      byte
		start      uint64
		bad        bool
	}{
		{"Plain", "42 (demo) S" + tail, 'S', 987654, false},
		{"NameWithParensAndSpaces", "42 (a) (b c) Z" + tail, 'Z', 987654, false},
		{"NoName", "42 demo S" + tail, 0, 0, true},
		{"Short", "42 (demo) S 1 1", 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := parseStat([]byte(tt.line))
			if (err != nil) != tt.bad || p.state != tt.state || p.start != tt.start {
				t.Fatalf("parseStat = %+v, %v", p, err)
			}
		})
	}
}

func FuzzParseStat(f *testing.F) {
	f.Add([]byte("42 (demo) S 1 1 1 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 987654 1000 10"))
	f.Add([]byte("1 ()) R"))
	f.Fuzz(func(t *testing.T, b []byte) {
		// Budget: a few copies of the input, never more. The least of three
		// runs is its cost (the fuzzing engine allocates alongside).
		budget, alloc := uint64(8*len(b))+64<<10, uint64(1<<63)
		for try := 0; try < 3 && alloc > budget; try++ {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, _ = parseStat(b)
			runtime.ReadMemStats(&after)
			alloc = min(alloc, after.TotalAlloc-before.TotalAlloc)
		}
		if alloc > budget {
			t.Fatalf("parseStat of %d bytes allocated %d", len(b), alloc)
		}
	})
}

// TestLogCapped: a log over the cap is emptied when its instance starts;
// one under it is appended to.
func TestLogCapped(t *testing.T) {
	dir := t.TempDir()
	big, small := filepath.Join(dir, "big.log"), filepath.Join(dir, "small.log")
	_ = os.WriteFile(big, []byte(strings.Repeat("x", 2000)), 0o600)
	_ = os.WriteFile(small, []byte("old\n"), 0o600)
	for _, tt := range []struct {
		path   string
		offset int64
	}{{big, 0}, {small, 4}} {
		f, off, err := openLog(tt.path, 1000)
		if err != nil || off != tt.offset {
			t.Fatalf("openLog(%s) offset %d, %v; want %d", tt.path, off, err, tt.offset)
		}
		f.Close()
	}
}

func TestExpand(t *testing.T) {
	s := slot{service: "a", version: "1.1", group: "g", host: "127.0.0.1", index: 2, port: 3002, datadir: "/d"}
	got := s.expand([]string{"--listen={host}:{port}", "{name}/{version}/{group}/{instance}/{index}", "{datadir}/cache", `{"json":1}`})
	want := []string{"--listen=127.0.0.1:3002", "a/1.1/g/a-1.1-2/2", "/d/cache", `{"json":1}`}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("expand = %q, want %q", got, want)
	}
}

// TestSplitCmdline: empty arguments survive, the last one included (the
// demo passes --next "" to the last service of a chain).
func TestSplitCmdline(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want []string
	}{
		{"a\x00b\x00", []string{"a", "b"}},
		{"a\x00\x00b\x00", []string{"a", "", "b"}},
		{"a\x00--next\x00\x00", []string{"a", "--next", ""}},
		{"", nil},
	} {
		if got := splitCmdline([]byte(tt.in)); strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
			t.Errorf("splitCmdline(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestRecordIs: a process is a record's by start time and command line; an
// exiting one (empty command line, not yet a zombie) is still its own, so a
// stop waits for it; a reused pid or an ended process is not.
func TestRecordIs(t *testing.T) {
	argv := []string{"/bin/svc", "serve"}
	known := &record{Argv: argv, ProcStart: 100}
	unknown := &record{Argv: argv}
	tests := []struct {
		name string
		r    *record
		p    procInfo
		want bool
	}{
		{"Running", known, procInfo{state: 'S', start: 100, argv: argv}, true},
		{"Exiting", known, procInfo{state: 'R', start: 100}, true},
		{"Zombie", known, procInfo{state: 'Z', start: 100}, false},
		{"PidReused", known, procInfo{state: 'S', start: 200, argv: argv}, false},
		{"OtherCommand", known, procInfo{state: 'S', start: 100, argv: []string{"/bin/sh"}}, false},
		{"StartUnknown", unknown, procInfo{state: 'S', start: 7, argv: argv}, true},
		{"StartUnknownEmpty", unknown, procInfo{state: 'S', start: 7}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.r.is(tt.p); got != tt.want {
				t.Fatalf("is(%+v) = %v, want %v", tt.p, got, tt.want)
			}
		})
	}
}
