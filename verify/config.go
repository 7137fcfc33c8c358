package verify

import (
	"context"
	"encoding/json"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/release"
)

// The saved configs of the two pages ("每次执行完，最好把界面相关字段值保存到
// 数据库中，使得下次操作可以重用"): checked like a start checks them, kept
// per kind and group@@serviceId with a revision.

// checkKey validates group and serviceId as a config key.
func checkKey(group, serviceID string) (switchyard.ConfigKey, error) {
	key := switchyard.ConfigKey{Group: group, DataID: serviceID}
	if err := key.Validate(); err != nil {
		return key, err
	}
	if err := checkServiceID("serviceId", serviceID); err != nil && serviceID != group {
		return key, err
	}
	return key, nil
}

// InspectionConfigOf checks a request and returns the config it makes.
func InspectionConfigOf(group, serviceID string, req *switchyard.InspectionRequest) (*switchyard.InspectionConfig, error) {
	if _, err := checkKey(group, serviceID); err != nil {
		return nil, err
	}
	if _, err := ParseInspectStrategy(req.Strategy); err != nil {
		return nil, err
	}
	var c switchyard.InspectionConditions
	switch {
	case req.ConditionsText != "" && req.Conditions != nil:
		return nil, invalid("conditionsText", "verify.conditions.both", "give the conditions either as conditions or as conditionsText, not both")
	case req.ConditionsText != "":
		parsed, err := ParseInspectionConditions([]byte(req.ConditionsText), req.ConditionsFormat)
		if err != nil {
			return nil, inDoc("conditionsText", err)
		}
		c = *parsed
	case req.Conditions != nil:
		c = *req.Conditions
		if err := ValidateInspectionConditions(&c, JSONNames); err != nil {
			return nil, err
		}
	default:
		c = DefaultInspectionConditions()
	}
	return &switchyard.InspectionConfig{Group: group, ServiceID: serviceID, Strategy: req.Strategy, Conditions: c}, nil
}

// SimulationConfigOf checks a request's documents and conditions (their
// shape; the versions online are checked when a run starts) and returns
// the config it makes.
func SimulationConfigOf(group, serviceID string, req *switchyard.SimulationRequest) (*switchyard.SimulationConfig, error) {
	if _, err := checkKey(group, serviceID); err != nil {
		return nil, err
	}
	if _, err := ParseSimulationDocs(req.Basic, req.Release1, req.Release2, entryApp(group, serviceID)); err != nil {
		return nil, err
	}
	var c switchyard.SimulationConditions
	switch {
	case req.ConditionsText != "" && req.Conditions != nil:
		return nil, invalid("conditionsText", "verify.conditions.both", "give the conditions either as conditions or as conditionsText, not both")
	case req.ConditionsText != "":
		parsed, g, s, err := ParseSimulationConditions([]byte(req.ConditionsText), req.ConditionsFormat)
		if err != nil {
			return nil, inDoc("conditionsText", err)
		}
		for _, f := range []struct{ key, got, want string }{{keyGroup, g, group}, {keyService, s, serviceID}} {
			if f.got != "" && f.got != f.want {
				return nil, invalid("conditionsText."+f.key, "verify.conditions.key", "conditionsText: %s is %q, but this is the simulation of %s", f.key, f.got, switchyard.VerifyTask(group, serviceID))
			}
		}
		c = *parsed
	case req.Conditions != nil:
		c = *req.Conditions
		if err := ValidateSimulationConditions(&c, JSONNames); err != nil {
			return nil, err
		}
	default:
		c = DefaultSimulationConditions()
	}
	return &switchyard.SimulationConfig{Group: group, ServiceID: serviceID, Basic: req.Basic, Release1: req.Release1, Release2: req.Release2, Conditions: c}, nil
}

// entryApp is the app a release of the key belongs to ("" for the global key).
func entryApp(group, serviceID string) string {
	if group == serviceID {
		return ""
	}
	return serviceID
}

// SaveInspectionConfig checks and saves the inspection page (ifRevision:
// the revision read, 0 for the first save, -1 for whatever is stored).
func (s *Service) SaveInspectionConfig(ctx context.Context, actor *switchyard.User, group, serviceID string, req *switchyard.InspectionRequest, ifRevision int64) (*switchyard.InspectionConfig, error) {
	if err := release.Authorize(actor, group); err != nil {
		return nil, err
	}
	c, err := InspectionConfigOf(group, serviceID, req)
	if err != nil {
		return nil, err
	}
	return c, s.saveConfig(ctx, actor, switchyard.VerifyInspection, group, serviceID, c, ifRevision, &c.Revision, &c.UpdatedAt, &c.UpdatedBy)
}

// SaveSimulationConfig checks and saves the simulation page.
func (s *Service) SaveSimulationConfig(ctx context.Context, actor *switchyard.User, group, serviceID string, req *switchyard.SimulationRequest, ifRevision int64) (*switchyard.SimulationConfig, error) {
	if err := release.Authorize(actor, group); err != nil {
		return nil, err
	}
	c, err := SimulationConfigOf(group, serviceID, req)
	if err != nil {
		return nil, err
	}
	return c, s.saveConfig(ctx, actor, switchyard.VerifySimulation, group, serviceID, c, ifRevision, &c.Revision, &c.UpdatedAt, &c.UpdatedBy)
}

func (s *Service) saveConfig(ctx context.Context, actor *switchyard.User, kind switchyard.VerifyKind, group, serviceID string, body any, ifRevision int64,
	rev *int64, at *time.Time, by *string) error {
	now := s.now()
	*at, *by = now, actor.Name
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	rec := &switchyard.VerifyConfig{Kind: kind, Group: group, ServiceID: serviceID, Body: b, UpdatedAt: now, UpdatedBy: actor.Name}
	if err := s.Store.PutVerifyConfig(ctx, rec, ifRevision); err != nil {
		return err
	}
	*rev = rec.Revision
	return nil
}

// InspectionConfig returns the saved inspection page; CodeNotFound if none.
func (s *Service) InspectionConfig(ctx context.Context, group, serviceID string) (*switchyard.InspectionConfig, error) {
	var c switchyard.InspectionConfig
	return &c, s.loadConfig(ctx, switchyard.VerifyInspection, group, serviceID, &c, &c.Revision)
}

// SimulationConfig returns the saved simulation page; CodeNotFound if none.
func (s *Service) SimulationConfig(ctx context.Context, group, serviceID string) (*switchyard.SimulationConfig, error) {
	var c switchyard.SimulationConfig
	return &c, s.loadConfig(ctx, switchyard.VerifySimulation, group, serviceID, &c, &c.Revision)
}

func (s *Service) loadConfig(ctx context.Context, kind switchyard.VerifyKind, group, serviceID string, into any, rev *int64) error {
	rec, err := s.Store.FindVerifyConfig(ctx, kind, group, serviceID)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(rec.Body, into); err != nil {
		return switchyard.Errorf(switchyard.CodeInternal, "the saved %s config of %s cannot be read: %v", kind, switchyard.VerifyTask(group, serviceID), err).WithCause(err)
	}
	*rev = rec.Revision
	return nil
}
