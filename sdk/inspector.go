package sdk

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/switchyard-io/switchyard/dataplane"
)

// InspectorHandler serves POST /inspector/inspect: it appends this
// instance's segment to the inspection result and forwards the inspection
// to the next service of serviceIdList through the normal route (so the next
// instance is chosen exactly as business traffic would choose it). Mount it
// behind Middleware.
func (s *Service) InspectorHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var e dataplane.InspectorEntity
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&e); err != nil && err != io.EOF {
			http.Error(w, "inspector: the body must be {\"serviceIdList\":[…],\"result\":…}: "+err.Error(), http.StatusBadRequest)
			return
		}
		out, err := s.Inspect(r, e)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(out)
	})
}

// Inspect performs one hop of an inspection (Nepxion InspectorResourceImpl).
func (s *Service) Inspect(r *http.Request, e dataplane.InspectorEntity) (*dataplane.InspectorEntity, error) {
	result := e.Result
	if result == "" {
		result = r.Header.Get(dataplane.InspectHeader)
	}
	self := s.Self()
	result = dataplane.PluginInfo(result, &self)
	if len(e.ServiceIDList) == 0 {
		return &dataplane.InspectorEntity{ServiceIDList: []string{}, Result: result}, nil
	}
	next := e.ServiceIDList[0]
	body, _ := json.Marshal(dataplane.InspectorEntity{ServiceIDList: e.ServiceIDList[1:], Result: result})
	url := "http://" + next + "/" + dataplane.InspectPath
	req, err := http.NewRequestWithContext(r.Context(), http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	fail := func(err error) error {
		return fmt.Errorf("Failed to inspect, current serviceId=%s, next serviceId=%s, url=%s: %w", self.Service, next, url, err) //nolint:staticcheck // Nepxion's exact message
	}
	resp, err := s.Client().Do(req)
	if err != nil {
		return nil, fail(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return nil, fail(fmt.Errorf("%s: %s", resp.Status, bytes.TrimSpace(b)))
	}
	var out dataplane.InspectorEntity
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fail(err)
	}
	return &out, nil
}
