package demo

import (
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"time"
)

// Traffic sends a gentle stream of requests through the gateway at url
// (rate per second) until ctx ends: most without headers, some with the
// headers the docs' example conditions use, so a release shows on the
// metrics at once.
func Traffic(ctx context.Context, url string, rate int) {
	if rate <= 0 {
		return
	}
	client := &http.Client{Timeout: 5 * time.Second}
	t := time.NewTicker(time.Second / time.Duration(rate))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		switch rand.IntN(10) {
		case 0:
			req.Header.Set("user-type", "vip")
		case 1:
			req.Header.Set("xyz", "2")
		}
		if resp, err := client.Do(req); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
}
