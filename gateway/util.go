package gateway

import (
	"context"
	"strconv"
)

func contextWith(ctx context.Context, f *forward) context.Context {
	return context.WithValue(ctx, forwardKey{}, f)
}

func forwardOf(ctx context.Context) *forward {
	f, _ := ctx.Value(forwardKey{}).(*forward)
	return f
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
