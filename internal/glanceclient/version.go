package glanceclient

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	neturl "net/url"
	"regexp"
	"strings"
	"sync"

	"github.com/gophercloud/gophercloud/v2"
)

// Image API versions the provider speaks.
const (
	ImageAPIv1 = "1"
	ImageAPIv2 = "2"
)

// versionSegment is a trailing version in an image endpoint: /v1, /v1.1, /v2, /v2.0.
var versionSegment = regexp.MustCompile(`/v\d+(\.\d+)?$`)

// UnversionedEndpoint is an image endpoint without its trailing version, ending in "/": what
// a catalog usually holds (http://controller:9292), whatever the user wrote.
func UnversionedEndpoint(endpoint string) string {
	return versionSegment.ReplaceAllString(strings.TrimSuffix(endpoint, "/"), "") + "/"
}

// DetectImageAPI reads the version document of the image service at endpoint (GET
// {root}/versions, which Glance serves without a token, or GET {root} when that is 404) and
// returns the version to speak: v2 when it is listed, else v1. Versions marked EXPERIMENTAL do not count, deprecated
// ones do
// (as keystoneauth counts them): a Queens Glance lists v1 as DEPRECATED. An endpoint that
// cannot be read, or lists neither, is an error that names it and what it listed.
//
// The request goes through pc, so it is logged and retried like every other; it carries no
// token, which Glance does not ask for here.
func DetectImageAPI(ctx context.Context, pc *gophercloud.ProviderClient, endpoint string) (string, error) {
	root := UnversionedEndpoint(endpoint)
	if _, err := neturl.Parse(root); err != nil {
		return "", fmt.Errorf("the image endpoint %q is not a URL: %w", endpoint, err)
	}
	url := root + "versions"
	resp, err := getVersions(ctx, pc, url)
	if IsNotFound(err) {
		// A proxy that maps only the root and the versioned paths to Glance: the root answers
		// the same document, with HTTP 300.
		url = root + "versions and " + root
		resp, err = getVersions(ctx, pc, root)
	}
	if status := Status(err); status != 0 && status < 500 {
		return "", fmt.Errorf("%s answered HTTP %d without a versions document, so it is not an image service's root. Set "+
			"image_endpoint to the image service's URL (http://host:9292 or with /v2, /v1)", url, status)
	}
	if err != nil {
		return "", fmt.Errorf("cannot read the image service's versions at %s: %s. Check image_endpoint, or the catalog's "+
			"image endpoint, and the network", url, Message(err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", fmt.Errorf("cannot read the image service's versions at %s: %w", url, err)
	}
	var doc struct {
		Versions []struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		} `json:"versions"`
	}
	if json.Unmarshal(body, &doc) != nil {
		return "", fmt.Errorf("%s answered HTTP %d without a versions document, so it is not an image service's root. Set "+
			"image_endpoint to the image service's URL (http://host:9292 or with /v2, /v1)", url, resp.StatusCode)
	}
	var listed []string
	has := map[string]bool{}
	for _, v := range doc.Versions {
		listed = append(listed, fmt.Sprintf("%s (%s)", v.ID, v.Status))
		if strings.EqualFold(v.Status, "EXPERIMENTAL") {
			continue
		}
		for _, major := range []string{ImageAPIv1, ImageAPIv2} {
			if v.ID == "v"+major || strings.HasPrefix(v.ID, "v"+major+".") {
				has[major] = true
			}
		}
	}
	switch {
	case has[ImageAPIv2]:
		return ImageAPIv2, nil
	case has[ImageAPIv1]:
		return ImageAPIv1, nil
	}
	if len(listed) == 0 {
		listed = []string{"no versions"}
	}
	return "", fmt.Errorf("the image service at %s lists %s; the provider speaks Image API v2 and v1. Point "+
		"image_endpoint at a Glance that serves one of them", url, strings.Join(listed, ", "))
}

// getVersions is GET of a version document, without a token; marked, so that versionsGuard
// lets its 300 through.
func getVersions(ctx context.Context, pc *gophercloud.ProviderClient, url string) (*http.Response, error) {
	return pc.Request(context.WithValue(ctx, versionDocument{}, true), http.MethodGet, url, &gophercloud.RequestOpts{
		OkCodes: []int{http.StatusOK, http.StatusMultipleChoices}, KeepResponseBody: true,
		MoreHeaders: map[string]string{"Accept": "application/json"}, OmitHeaders: []string{"X-Auth-Token"},
	})
}

// detected holds each endpoint's version, detected once per provider process: Terraform
// configures the provider again for every command phase and every alias.
var detected = struct {
	sync.Mutex
	api map[string]string // by unversioned endpoint
}{api: map[string]string{}}

// detectOnce is DetectImageAPI, remembered per endpoint for the life of the process. A
// failure is not remembered: the next configuration tries again.
func detectOnce(ctx context.Context, pc *gophercloud.ProviderClient, root string) (string, error) {
	detected.Lock()
	defer detected.Unlock() // held across the request: a second configuration waits for the first
	if api, ok := detected.api[root]; ok {
		return api, nil
	}
	api, err := DetectImageAPI(ctx, pc, root)
	if err == nil {
		detected.api[root] = api
	}
	return api, err
}
