package httpapi

import "time"

// SetStreamTimings shortens the event stream's store poll and heartbeat
// for a test and returns the function that restores them.
func SetStreamTimings(poll, heartbeat time.Duration) (restore func()) {
	oldPoll, oldHeartbeat := streamPoll, streamHeartbeat
	streamPoll, streamHeartbeat = poll, heartbeat
	return func() { streamPoll, streamHeartbeat = oldPoll, oldHeartbeat }
}
