package httpapi

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/switchyard-io/switchyard"
)

// ResultEntity is one instance's answer to a batch call (Nepxion's
// ResultEntity): the instance's body, its error body, or the failure.
type ResultEntity struct {
	ServiceID string `json:"serviceId"`
	Host      string `json:"host"`
	Port      int    `json:"port"`
	URL       string `json:"url"`
	Result    string `json:"result"`
}

// nepxionBatchRoutes fan out to every instance's admin endpoint, as
// Nepxion's console does (AbstractRestInvoker).
func (s *Server) nepxionBatchRoutes() []*Route {
	write := func(path, action, summary, suffix string, body bool) *Route {
		rt := Route{Method: "POST", Path: NepxionPrefix + path, Access: Operator, Action: action, Tag: "nepxion", RawResponse: "application/json", Summary: summary}
		if body {
			rt.RawRequest = "text/plain"
		}
		return Raw(rt, func(c *Call, in *nepxionIn) error { return s.fanOut(c, in, "POST", suffix, body) })
	}
	return []*Route{
		write("/config/update-async/{serviceId}", "config.instances.update", "Set the in-memory partial rule of every instance of a service", "config/update-async", true),
		write("/config/update-sync/{serviceId}", "config.instances.update", "Set the in-memory partial rule of every instance (synchronously)", "config/update-sync", true),
		write("/config/clear-async/{serviceId}", "config.instances.clear", "Clear the in-memory partial rule of every instance", "config/clear-async", false),
		write("/config/clear-sync/{serviceId}", "config.instances.clear", "Clear the in-memory partial rule of every instance (synchronously)", "config/clear-sync", false),
		Raw(Route{Method: "GET", Path: NepxionPrefix + "/config/view/{serviceId}", Access: SignedIn, Tag: "nepxion", RawResponse: "application/json",
			Summary: "Every instance's rule sources: [local, global, partial]"}, func(c *Call, in *nepxionIn) error { return s.fanOut(c, in, "GET", "config/view", false) }),
	}
}

var fanOutClient = &http.Client{Timeout: 10 * time.Second}

func (s *Server) fanOut(c *Call, in *nepxionIn, method, suffix string, withBody bool) error {
	service := strings.ToLower(in.ServiceID)
	c.Audit("service/"+service, suffix)
	list, err := s.Registry.Instances(c.R.Context(), service)
	if err != nil {
		return nepxionFail(c, err)
	}
	if len(list) == 0 {
		return nepxionFail(c, switchyard.Errorf(switchyard.CodeNotFound, "No service instances found"))
	}
	if method != "GET" {
		for _, i := range list {
			if err := mayWriteGroup(c, i.Group); err != nil {
				return err
			}
		}
	}
	body := ""
	if withBody {
		if body, err = readText(c); err != nil {
			return nepxionFail(c, err)
		}
	}
	out := make([]ResultEntity, 0, len(list))
	for _, i := range list {
		e := instanceEntity(i)
		url := e.Protocol + "://" + i.Host + ":" + strconv.Itoa(i.Port) + e.FormatContextPath + suffix
		out = append(out, ResultEntity{ServiceID: service, Host: i.Host, Port: i.Port, URL: url, Result: callInstance(c.R.Context(), method, url, body)})
	}
	return writeJSONValue(c, out)
}

// callInstance returns the instance's body (or error body), or the failure.
func callInstance(ctx context.Context, method, url, body string) string {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return err.Error()
	}
	resp, err := fanOutClient.Do(req)
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return string(b)
}
