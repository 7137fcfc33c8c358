package switchyard

import (
	"crypto/rand"
	"encoding/binary"
	"sync"
	"time"
)

// crockford is the ULID alphabet: sortable, no ambiguous letters.
const crockford = "0123456789abcdefghjkmnpqrstvwxyz"

var idState struct {
	sync.Mutex
	last [16]byte
}

// NewID returns a 26-character, time-ordered, random identifier (a ULID in
// lower case). IDs made later in this process sort later, even within one
// millisecond, so stores can order and page by ID.
func NewID(now time.Time) string {
	var b [16]byte
	ms := uint64(now.UnixMilli())
	binary.BigEndian.PutUint16(b[0:2], uint16(ms>>32))
	binary.BigEndian.PutUint32(b[2:6], uint32(ms))
	_, _ = rand.Read(b[6:]) // crypto/rand.Read never fails on supported platforms.

	idState.Lock()
	defer idState.Unlock()
	if string(b[:6]) <= string(idState.last[:6]) {
		// Same (or an earlier) millisecond: continue from the last ID + 1.
		b = idState.last
		for i := 15; i >= 6; i-- {
			b[i]++
			if b[i] != 0 {
				break
			}
		}
	}
	idState.last = b
	return encodeULID(b)
}

func encodeULID(b [16]byte) string {
	var out [26]byte
	// 128 bits → 26 base-32 digits; the first digit holds the top 3 bits.
	hi := binary.BigEndian.Uint64(b[0:8])
	lo := binary.BigEndian.Uint64(b[8:16])
	for i := 25; i >= 0; i-- {
		out[i] = crockford[lo&31]
		lo = lo>>5 | hi<<59
		hi >>= 5
	}
	return string(out[:])
}
