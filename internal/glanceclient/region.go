package glanceclient

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/tokens"
)

// regional holds the clients of one provider configuration, one per region of the catalog,
// each made once, on first use, and sharing the login.
type regional struct {
	pc           *gophercloud.ProviderClient
	docs         *gophercloud.ProviderClient // reads version documents (versionDocuments)
	availability gophercloud.Availability
	api          string // image_api_version as given, or "" to read each service's
	fixed        bool   // image_endpoint was given: there is no other region to choose
	mu           sync.Mutex
	clients      map[string]*Client
}

// RegionError is a region whose image service the catalog does not have.
type RegionError struct {
	Region       string
	Availability gophercloud.Availability
	// Available are the regions the catalog has an image service in, for this interface.
	Available []string
}

func (e *RegionError) Error() string {
	regions := "none"
	if len(e.Available) > 0 {
		regions = strings.Join(e.Available, ", ")
	}
	return fmt.Sprintf("the service catalog has no image service in region %q for interface %q; its image regions are: "+
		"%s.", e.Region, e.Availability, regions)
}

// catalogImageEndpoint is the catalog's image endpoint for region ("" for the first, as
// gophercloud picks it) and interface, with its region: as given, or the first's name.
func catalogImageEndpoint(
	pc *gophercloud.ProviderClient,
	region string,
	av gophercloud.Availability,
) (url, inRegion string, err error) {
	result, ok := pc.GetAuthResult().(interface {
		ExtractServiceCatalog() (*tokens.ServiceCatalog, error)
	})
	if !ok {
		return "", "", fmt.Errorf("keystone's answer to the login has no service catalog")
	}
	catalog, err := result.ExtractServiceCatalog()
	if err != nil {
		return "", "", fmt.Errorf("keystone's service catalog cannot be read: %w", err)
	}
	var available []string
	for _, entry := range catalog.Entries {
		if entry.Type != "image" {
			continue
		}
		for _, ep := range entry.Endpoints {
			if gophercloud.Availability(ep.Interface) != av {
				continue
			}
			if region == "" {
				return gophercloud.NormalizeURL(ep.URL), ep.Region, nil
			}
			if ep.Region == region || ep.RegionID == region {
				// As the user wrote it: state and configuration must agree.
				return gophercloud.NormalizeURL(ep.URL), region, nil
			}
			if !slices.Contains(available, ep.Region) {
				available = append(available, ep.Region)
			}
		}
	}
	slices.Sort(available)
	return "", "", &RegionError{Region: region, Availability: av, Available: available}
}

// ForRegion is the client for the image service of region, with no request (the login's
// catalog says where it is): this one for "" or its own region, otherwise the region's own,
// made on first use (its version told by its own first answer) and kept. A region the catalog
// lacks is a *RegionError; any other region than its own is refused when image_endpoint fixes
// the image service.
func (c *Client) ForRegion(region string) (*Client, error) {
	if region == "" || region == c.Region {
		return c, nil
	}
	r := c.regions
	if r.fixed {
		return nil, &ConfigError{Attr: AttrRegion, Msg: fmt.Sprintf("the provider's image_endpoint (%s) fixes the image "+
			"service, so a resource cannot choose another region. Remove image_endpoint from the provider to use the "+
			"catalog's regions, or region from the resource.", c.Endpoint)}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if other, ok := r.clients[region]; ok {
		return other, nil
	}
	url, inRegion, err := catalogImageEndpoint(r.pc, region, r.availability)
	if err != nil {
		return nil, err
	}
	other := newClient(r.pc, r.docs, UnversionedEndpoint(url), r.api)
	other.Region, other.regions = inRegion, r
	other.Login = c.Login
	r.clients[region] = other
	return other, nil
}
