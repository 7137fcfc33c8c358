package rule

import "github.com/switchyard-io/switchyard/rule/spel"

// Dimension is one route dimension a rule decides (rule-model.md §2).
type Dimension int

// The dimensions, in the order Nepxion resolves them.
const (
	DimVersion Dimension = iota
	DimRegion
	DimAddress
	DimVersionWeight
	DimRegionWeight
	numDimensions
)

// grayDimensions are the dimensions gray conditions can weigh.
const grayDimensions = DimAddress + 1

var dimensionNames = [numDimensions]string{"version", "region", "address", "version-weight", "region-weight"}

// String returns the dimension's name as used in route types.
func (d Dimension) String() string { return dimensionNames[d] }

// routeType returns the <route type> a dimension reads.
func (d Dimension) routeType() RouteType { return RouteType(dimensionNames[d]) }

// Assemble merges the rules a data-plane instance subscribes to, like
// Nepxion's RuleEntityWrapper.assemble: per top-level element, the partial
// rule's element (key = the service id) wins when present, else the global
// rule's (key = the group). Either may be nil. The result shares elements
// with its inputs; treat all three as read-only.
func Assemble(partial, global *Rule) *Rule {
	if partial == nil {
		partial = &Rule{}
	}
	if global == nil {
		global = &Rule{}
	}
	return &Rule{
		Register:          pick(partial.Register, global.Register),
		Discovery:         pick(partial.Discovery, global.Discovery),
		Strategy:          pick(partial.Strategy, global.Strategy),
		StrategyRelease:   pick(partial.StrategyRelease, global.StrategyRelease),
		StrategyFailover:  pick(partial.StrategyFailover, global.StrategyFailover),
		StrategyBlacklist: pick(partial.StrategyBlacklist, global.StrategyBlacklist),
		Parameter:         pick(partial.Parameter, global.Parameter),
	}
}

func pick[T any](partial, global *T) *T {
	if partial != nil {
		return partial
	}
	return global
}

// Compiled is a rule prepared for the data plane: expressions compiled
// against one symbol table, condition ids resolved to route values, weights
// summed. It is immutable and safe for concurrent use; build one per
// configuration change and swap it in atomically.
type Compiled struct {
	rule      *Rule
	syms      *spel.Symbols
	vars      varIndex // the names of the slots, for lookups
	exprs     []*spel.Expr
	blueGreen []compiledBlueGreen
	gray      []compiledGray
	byDim     [numDimensions]candidates // the blue-green conditions of each dimension
	grayConds candidates
	strategy  [numDimensions]string
	fixed     [numRouteHeaders]string // failover and blacklist values, taken verbatim
	inner     *StrategyHeader
	discovery *Discovery
	resolved  resolvedValues // ServiceValue of the route values above
}

type compiledBlueGreen struct {
	index int // position in the rule's list, for explanations
	expr  int // index into exprs; -1 for the basic condition
	has   [numDimensions]bool
	ids   [numDimensions]string
	value [numDimensions]string // route text; "" when the route is missing
}

type compiledGray struct {
	index int
	expr  int
	has   [grayDimensions]bool
	dims  [grayDimensions][]grayChoice
	total [grayDimensions]int
}

type grayChoice struct {
	id     string
	value  string
	weight int
}

// Rule returns the rule c was compiled from.
func (c *Compiled) Rule() *Rule { return c.rule }

// Compile validates r and prepares it for Decide and Select. A rule with
// validation errors is refused (the data plane keeps its last good rule);
// warnings are not errors. A nil rule compiles to the empty rule.
func Compile(r *Rule) (*Compiled, error) {
	if r == nil {
		r = &Rule{}
	}
	if err := Validate(r).Err(); err != nil {
		return nil, err
	}
	return compileValid(r)
}

// CompileLoaded assembles and compiles the rules an instance subscribes to
// when each came from Load, so is already validated: validation looks at one
// top-level element at a time and Assemble picks whole elements, so the
// assembled rule is valid too and is not validated again. This is the data
// plane's apply path; a rule from anywhere else goes through Compile.
func CompileLoaded(partial, global *Rule) (*Compiled, error) {
	return compileValid(Assemble(partial, global))
}

func compileValid(r *Rule) (*Compiled, error) {
	c := &Compiled{rule: r, syms: spel.NewSymbols(), discovery: r.Discovery}
	if s := r.Strategy; s != nil {
		c.strategy = [numDimensions]string{s.Version, s.Region, s.Address, s.VersionWeight, s.RegionWeight}
	}
	if f := r.StrategyFailover; f != nil {
		c.fixed[HeaderVersionPrefer] = f.VersionPrefer
		c.fixed[HeaderVersionFailover] = f.VersionFailover
		c.fixed[HeaderRegionTransfer] = f.RegionTransfer
		c.fixed[HeaderRegionFailover] = f.RegionFailover
		c.fixed[HeaderEnvFailover] = f.EnvFailover
		c.fixed[HeaderZoneFailover] = f.ZoneFailover
		c.fixed[HeaderAddressFailover] = f.AddressFailover
	}
	if b := r.StrategyBlacklist; b != nil {
		c.fixed[HeaderIDBlacklist] = b.ID
		c.fixed[HeaderAddressBlacklist] = b.Address
	}
	if rel := r.StrategyRelease; rel != nil {
		c.inner = rel.Header
		if err := c.compileRelease(rel); err != nil {
			return nil, err
		}
	}
	names := make([]string, c.syms.Len())
	for i := range names {
		names[i] = c.syms.Name(i)
	}
	c.vars = newVarIndex(names)
	c.listCandidates()
	c.resolveValues()
	return c, nil
}

// resolveValues resolves every route value the rule's decisions can carry.
func (c *Compiled) resolveValues() {
	for _, v := range c.strategy {
		c.resolved.add(v)
	}
	for _, v := range c.fixed {
		c.resolved.add(v)
	}
	for i := range c.blueGreen {
		for _, v := range c.blueGreen[i].value {
			c.resolved.add(v)
		}
	}
	for i := range c.gray {
		for _, choices := range c.gray[i].dims {
			for _, ch := range choices {
				c.resolved.add(ch.value)
			}
		}
	}
}

func (c *Compiled) expr(src string) (int, error) {
	if src == "" {
		return -1, nil
	}
	e, err := spel.CompileShared(src, c.syms)
	if err != nil {
		return 0, err
	}
	c.exprs = append(c.exprs, e)
	return len(c.exprs) - 1, nil
}

// routeIndex finds routes by id: the text of the first route with an id and
// type, as StrategyWrapper.getTriggeredStrategyRouteEntity finds it, and
// the type of the first route with an id. Built once per rule, it keeps
// resolving n conditions against m routes O(n+m).
type routeIndex struct {
	value  map[routeKey]string
	typeOf map[string]RouteType
}

type routeKey struct {
	id string
	t  RouteType
}

func indexRoutes(routes []StrategyRoute) routeIndex {
	x := routeIndex{value: make(map[routeKey]string, len(routes)), typeOf: make(map[string]RouteType, len(routes))}
	for _, r := range routes {
		if _, ok := x.value[routeKey{r.ID, r.Type}]; !ok {
			x.value[routeKey{r.ID, r.Type}] = r.Value
		}
		if _, ok := x.typeOf[r.ID]; !ok {
			x.typeOf[r.ID] = r.Type
		}
	}
	return x
}

// route returns the text of the first route with id and type t.
func (x routeIndex) route(id string, t RouteType) (string, bool) {
	v, ok := x.value[routeKey{id, t}]
	return v, ok
}

func (c *Compiled) compileRelease(rel *StrategyRelease) error {
	routes := indexRoutes(rel.Routes)
	for i, bg := range rel.BlueGreen {
		e, err := c.expr(bg.Expression)
		if err != nil {
			return err
		}
		cb := compiledBlueGreen{index: i, expr: e}
		cb.ids = [numDimensions]string{bg.VersionID, bg.RegionID, bg.AddressID, bg.VersionWeightID, bg.RegionWeightID}
		for d := range numDimensions {
			if cb.ids[d] != "" {
				cb.has[d] = true
				cb.value[d], _ = routes.route(cb.ids[d], d.routeType())
			}
		}
		c.blueGreen = append(c.blueGreen, cb)
	}
	for i, g := range rel.Gray {
		e, err := c.expr(g.Expression)
		if err != nil {
			return err
		}
		cg := compiledGray{index: i, expr: e}
		for d, m := range [grayDimensions]WeightMap{g.Version, g.Region, g.Address} {
			if m == nil {
				continue
			}
			cg.has[d] = true
			for _, w := range m {
				v, ok := routes.route(w.Key, Dimension(d).routeType())
				if !ok {
					continue // unknown ids are dropped, as Nepxion does
				}
				cg.dims[d] = append(cg.dims[d], grayChoice{id: w.Key, value: v, weight: w.Value})
				if w.Value > 0 {
					cg.total[d] += w.Value
				}
			}
		}
		c.gray = append(c.gray, cg)
	}
	return nil
}
