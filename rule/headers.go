package rule

// RouteHeader indexes the n-d-* route headers a decision carries.
type RouteHeader int

// The route headers: the five decided dimensions first (same order as
// Dimension), then the values taken verbatim from <strategy-failover> and
// <strategy-blacklist>, then n-d-env. The first fourteen are Nepxion's "core"
// headers (StrategyUtil.isCoreHeaderContains).
const (
	HeaderVersion RouteHeader = iota
	HeaderRegion
	HeaderAddress
	HeaderVersionWeight
	HeaderRegionWeight
	HeaderVersionPrefer
	HeaderVersionFailover
	HeaderRegionTransfer
	HeaderRegionFailover
	HeaderEnvFailover
	HeaderZoneFailover
	HeaderAddressFailover
	HeaderIDBlacklist
	HeaderAddressBlacklist
	HeaderEnv
	numRouteHeaders
)

// numCoreHeaders is how many of the route headers are core headers.
const numCoreHeaders = int(HeaderEnv)

var routeHeaderNames = [numRouteHeaders]string{
	"n-d-version", "n-d-region", "n-d-address", "n-d-version-weight", "n-d-region-weight",
	"n-d-version-prefer", "n-d-version-failover", "n-d-region-transfer", "n-d-region-failover",
	"n-d-env-failover", "n-d-zone-failover", "n-d-address-failover", "n-d-id-blacklist", "n-d-address-blacklist",
	"n-d-env",
}

// Name returns the header name, e.g. "n-d-version".
func (h RouteHeader) Name() string { return routeHeaderNames[h] }

// IsCore reports whether h is one of Nepxion's fourteen core headers.
func (h RouteHeader) IsCore() bool { return int(h) < numCoreHeaders }

// RouteHeaders lists every route header, core headers first.
func RouteHeaders() []RouteHeader {
	out := make([]RouteHeader, numRouteHeaders)
	for i := range out {
		out[i] = RouteHeader(i)
	}
	return out
}

// Routes holds one value per route header; "" means unset. A value is in
// the <strategy> formats: a JSON object per service or a plain value for
// every service (ServiceValue resolves it).
type Routes [numRouteHeaders]string

// Get returns the value of h.
func (r *Routes) Get(h RouteHeader) string { return r[h] }

// The inner identity headers every hop sets on its outgoing requests
// (StrategyUtil.isInnerHeaderContains); they are never copied from upstream.
const (
	HeaderServiceGroup   = "n-d-service-group"
	HeaderServiceType    = "n-d-service-type"
	HeaderServiceAppID   = "n-d-service-app-id"
	HeaderServiceID      = "n-d-service-id"
	HeaderServiceAddress = "n-d-service-address"
	HeaderServiceVersion = "n-d-service-version"
	HeaderServiceRegion  = "n-d-service-region"
	HeaderServiceEnv     = "n-d-service-env"
	HeaderServiceZone    = "n-d-service-zone"
	HeaderGroup          = "n-d-group" // isolation group sent by an external caller
)

// isInnerHeader reports whether name (lower case) is an n-d-service-* header.
func isInnerHeader(name string) bool {
	switch name {
	case HeaderServiceGroup, HeaderServiceType, HeaderServiceAppID, HeaderServiceID, HeaderServiceAddress,
		HeaderServiceVersion, HeaderServiceRegion, HeaderServiceEnv, HeaderServiceZone:
		return true
	}
	return false
}
