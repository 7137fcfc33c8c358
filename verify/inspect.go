package verify

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/release"
)

// StartInspection starts an inspection of group@@serviceId (the entry app)
// and answers at once with the run's id. A request with a strategy is run
// and saved as the page's config; an empty one runs the saved config.
func (s *Service) StartInspection(ctx context.Context, actor *switchyard.User, group, serviceID string, req *switchyard.InspectionRequest) (*switchyard.VerifyStarted, error) {
	if err := release.Authorize(actor, group); err != nil {
		return nil, err
	}
	var cfg *switchyard.InspectionConfig
	var err error
	if req == nil || req.Strategy == "" && req.Conditions == nil && req.ConditionsText == "" {
		if cfg, err = s.InspectionConfig(ctx, group, serviceID); switchyard.IsCode(err, switchyard.CodeNotFound) {
			return nil, invalid("strategy", "verify.config.none", "no inspection is saved for %s: give the strategy and the conditions", switchyard.VerifyTask(group, serviceID))
		}
	} else {
		cfg, err = InspectionConfigOf(group, serviceID, req)
	}
	if err != nil {
		return nil, err
	}
	return s.startInspection(ctx, actor, cfg, true)
}

// StartNepxionInspection starts the inspection of DiscoveryTool's
// /inspector-test body. Its key is the entry the inspector URL points at
// (the test config names none): that instance's group and service id.
func (s *Service) StartNepxionInspection(ctx context.Context, actor *switchyard.User, in *NepxionInspection) (*switchyard.VerifyStarted, error) {
	if in.Conditions.InspectURL == "" {
		return nil, invalid(keyInspectURL, "verify.conditions.required", "%s is required: it names the gateway (or service) the samples enter through", keyInspectURL)
	}
	strategy, err := ParseInspectStrategy(in.Strategy)
	if err != nil {
		return nil, err
	}
	t, err := s.resolveTarget(ctx, "", "", in.Conditions.InspectURL, in.Conditions.ContextService, keyInspectURL, strategy.Services)
	if err != nil {
		return nil, err
	}
	if err := release.Authorize(actor, t.entry.Group); err != nil {
		return nil, err
	}
	cfg := &switchyard.InspectionConfig{Group: t.entry.Group, ServiceID: t.entry.Service, Strategy: in.Strategy, Conditions: *in.Conditions}
	return s.startInspection(ctx, actor, cfg, true)
}

func (s *Service) startInspection(ctx context.Context, actor *switchyard.User, cfg *switchyard.InspectionConfig, save bool) (*switchyard.VerifyStarted, error) {
	strategy, err := ParseInspectStrategy(cfg.Strategy)
	if err != nil {
		return nil, err
	}
	t, err := s.resolveTarget(ctx, cfg.Group, cfg.ServiceID, cfg.Conditions.InspectURL, cfg.Conditions.ContextService, "conditions.inspectUrl", strategy.Services)
	if err != nil {
		return nil, err
	}
	if save {
		if err := s.saveConfig(ctx, actor, switchyard.VerifyInspection, cfg.Group, cfg.ServiceID, cfg, -1, &cfg.Revision, &cfg.UpdatedAt, &cfg.UpdatedBy); err != nil {
			return nil, err
		}
	}
	now := s.now()
	run := &switchyard.InspectionRun{Config: *cfg, Result: switchyard.InspectionResult{URL: t.url, Services: t.services, Header: strategy.HeaderMap(),
		Counts: []switchyard.VersionCount{}, Chains: []switchyard.ChainCount{}}}
	body, _ := json.Marshal(run)
	rec := &switchyard.VerifyRecord{ID: switchyard.NewID(now), Kind: switchyard.VerifyInspection, Group: cfg.Group, ServiceID: cfg.ServiceID,
		Status: switchyard.VerifyRunning, StartedBy: actor.Name, StartedAt: now, Total: cfg.Conditions.SampleCount, Body: body,
		LeaseOwner: s.Owner, LeaseUntil: now.Add(s.LeaseTTL)}
	if _, err := s.Store.CreateVerifyRun(ctx, rec); err != nil {
		return nil, err
	}
	r := newRun(s, rec)
	r.insp = run
	ins := &inspection{r: r, t: t, header: strategy.Header, filter: cfg.Conditions.ResultFilter, chains: map[string]int{}}
	v, _ := viewOf(rec) // before the run owns rec
	if err := s.launch(r, ins.run); err != nil {
		r.finish(ctx, switchyard.VerifyAborted, &switchyard.Message{Key: "verify.shutdown", Text: err.Error()})
		return nil, err
	}
	return &switchyard.VerifyStarted{ID: rec.ID, Task: switchyard.VerifyTask(cfg.Group, cfg.ServiceID), Run: v}, nil
}

// inspection is one inspection under way: DiscoveryTool's testInspection,
// sampleCount times POST the inspector URL with the strategy's headers,
// every chain kept and counted.
type inspection struct {
	r      *run
	t      *target
	header []Header
	filter []string
	chains map[string]int // chain key → index in Result.Chains
	counts map[string]int // service@@version → index in Result.Counts
}

func (in *inspection) run(ctx context.Context) {
	r := in.r
	res := &r.insp.Result
	in.counts = map[string]int{}
	for i := 0; i < r.rec.Total; i++ {
		if ctx.Err() != nil {
			r.finish(ctx, switchyard.VerifyAborted, stoppedReason(r))
			return
		}
		result, err := r.s.sample(ctx, in.t, in.header)
		if err != nil {
			if ctx.Err() != nil {
				r.finish(ctx, switchyard.VerifyAborted, stoppedReason(r))
				return
			}
			r.finish(ctx, switchyard.VerifyFailed, sampleFailed(i+1, r.rec.Total, err))
			return
		}
		in.add(result)
		res.Samples++
		r.rec.Done = res.Samples
		r.save(ctx, false)
	}
	r.finish(ctx, switchyard.VerifyCompleted, nil)
}

// add keeps one chain: its hops counted by service@@version, the distinct
// chain (reduced to the result filter) counted with its segments.
func (in *inspection) add(result string) {
	res := &in.r.insp.Result
	hops := hopsOf(result)
	in.r.topo.add(hops)
	for _, h := range hops {
		key := h.Service + "@@" + h.Version
		j, ok := in.counts[key]
		if !ok {
			if len(res.Counts) >= maxNodes {
				continue
			}
			j = len(res.Counts)
			in.counts[key] = j
			res.Counts = append(res.Counts, switchyard.VersionCount{Key: key, Service: h.Service, Version: h.Version})
		}
		res.Counts[j].Count++
	}
	chain := extractAll(result, in.filter)
	j, ok := in.chains[chain]
	if !ok {
		if len(res.Chains) >= maxChains {
			res.Other++
			return
		}
		j = len(res.Chains)
		in.chains[chain] = j
		res.Chains = append(res.Chains, switchyard.ChainCount{Chain: chain, Hops: hops})
	}
	res.Chains[j].Count++
}

func sampleFailed(i, n int, err error) *switchyard.Message {
	return &switchyard.Message{Key: "verify.sample.failed", Params: map[string]string{"sample": strconv.Itoa(i), "samples": strconv.Itoa(n), "error": switchyard.Truncate(err.Error(), 500)},
		Text: fmt.Sprintf("sample %d of %d failed (侦测失败): %s", i, n, switchyard.Truncate(err.Error(), 500))}
}

// stoppedReason says why a cancelled run stopped.
func stoppedReason(r *run) *switchyard.Message {
	if m := r.stopReason(); m != nil {
		return m
	}
	return &switchyard.Message{Key: "verify.shutdown", Text: "the server stopped while the run was under way"}
}
