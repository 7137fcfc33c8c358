// Package client is the Go client of the switchyard API, used by the CLI and
// the end-to-end tests. Errors from the server come back as
// *switchyard.Error with the server's code, field, reason and message.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/switchyard-io/switchyard"
)

// Client calls one switchyard server with one API token.
type Client struct {
	BaseURL string
	Token   string
	HTTP    *http.Client
}

// New returns a client for the server at baseURL (e.g. http://127.0.0.1:8080).
func New(baseURL, token string) *Client {
	return &Client{BaseURL: strings.TrimRight(baseURL, "/"), Token: token, HTTP: &http.Client{Timeout: 30 * time.Second}}
}

// ErrNotModified is returned when a long-poll ends without a change (304).
var ErrNotModified = errors.New("not modified")

// errorBody mirrors httpapi.ErrorBody without importing the server.
type errorBody struct {
	Error struct {
		Code      switchyard.Code   `json:"code"`
		Message   string            `json:"message"`
		Field     string            `json:"field"`
		Reason    string            `json:"reason"`
		Params    map[string]string `json:"params"`
		RequestID string            `json:"requestId"`
		Details   []struct {
			Field   string            `json:"field"`
			Message string            `json:"message"`
			Reason  string            `json:"reason"`
			Params  map[string]string `json:"params"`
		} `json:"details"`
	} `json:"error"`
}

// Do sends a JSON request and decodes the JSON answer into out (if not nil).
func (c *Client) Do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	resp, err := c.send(ctx, method, path, "application/json", body)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("%s %s: read response: %w", method, path, err)
	}
	if resp.StatusCode == http.StatusNotModified {
		return ErrNotModified
	}
	if resp.StatusCode >= 400 {
		return decodeError(resp.StatusCode, b)
	}
	if out != nil && len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("%s %s: decode response: %w", method, path, err)
		}
	}
	return nil
}

// DoText sends a text body and returns the text answer (for the
// Nepxion-compatible endpoints, whose bodies are raw rule text).
func (c *Client) DoText(ctx context.Context, method, path, contentType, text string) (string, error) {
	resp, err := c.send(ctx, method, path, contentType, strings.NewReader(text))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode >= 400 {
		return "", decodeError(resp.StatusCode, b)
	}
	return string(b), nil
}

func (c *Client) send(ctx context.Context, method, path, contentType string, body io.Reader) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.BaseURL+path, body)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json")
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, switchyard.Errorf(switchyard.CodeUnavailable, "cannot reach the switchyard server at %s: %v", c.BaseURL, err).WithCause(err)
	}
	return resp, nil
}

func decodeError(status int, b []byte) error {
	var eb errorBody
	if json.Unmarshal(b, &eb) != nil || eb.Error.Code == "" {
		return switchyard.Errorf(switchyard.CodeInternal, "server answered %d: %s", status, strings.TrimSpace(string(b)))
	}
	e := eb.Error
	out := &switchyard.Error{Code: e.Code, Message: e.Message, Field: e.Field, Reason: e.Reason, Params: e.Params}
	for _, d := range e.Details {
		out.Details = append(out.Details, &switchyard.Error{Code: e.Code, Field: d.Field, Message: d.Message, Reason: d.Reason, Params: d.Params})
	}
	return out
}

func q(kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			v.Set(kv[i], kv[i+1])
		}
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}
