package glanceclient

import (
	"context"
	"encoding/json"
	"errors"
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

// detectImageAPI reads the version document of the image service at endpoint (GET
// {root}/versions, which Glance serves without a token, or GET {root} when that is 404) and
// returns the version to speak: v2 when it is listed, else v1. Versions marked EXPERIMENTAL
// do not count, deprecated ones do (as keystoneauth counts them): a Queens Glance lists v1 as
// DEPRECATED. An endpoint that cannot be read, or lists neither, is an error that names it
// and what it listed.
//
// The request goes through docs (versionDocuments): logged and retried like every other, with
// no token, which Glance does not ask for here, and no 300 guard, as 300 is its answer.
func detectImageAPI(ctx context.Context, docs *gophercloud.ProviderClient, endpoint string) (string, error) {
	root := UnversionedEndpoint(endpoint)
	if _, err := neturl.Parse(root); err != nil {
		return "", fmt.Errorf("the image endpoint %q is not a URL: %w", endpoint, err)
	}
	url := root + "versions"
	resp, err := getVersions(ctx, docs, url)
	if IsNotFound(err) {
		// A proxy that maps only the root and the versioned paths to Glance: the root answers
		// the same document, with HTTP 300.
		url = root + "versions and " + root
		resp, err = getVersions(ctx, docs, root)
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

// getVersions is GET of a version document, without a token.
func getVersions(ctx context.Context, docs *gophercloud.ProviderClient, url string) (*http.Response, error) {
	return docs.Request(ctx, http.MethodGet, url, &gophercloud.RequestOpts{
		OkCodes: []int{http.StatusOK, http.StatusMultipleChoices}, KeepResponseBody: true,
		MoreHeaders: map[string]string{"Accept": "application/json"}, OmitHeaders: []string{"X-Auth-Token"},
	})
}

// spoken is the Image API version a client speaks, and each version's calls. It is known from
// image_api_version, or else from the service's first answers: every Glance of the last
// decade serves v2, so calls are made in v2 until one succeeds, which settles v2 without a
// request of its own. A Glance without v2 answers every /v2/ path with a 300 (its versions
// document); that, and a 4xx answer before v2 is settled, has the version detected
// (detectOnce) and the call made again if the service speaks only v1 (onAPI).
type spoken struct {
	mu  sync.Mutex
	api string // "" until known
	// turn is held by the call that finds the version out (onAPI).
	turn   chan struct{}
	v1, v2 memberAPI
	docs   *gophercloud.ProviderClient // reads the version document (versionDocuments)
	root   string
}

func (s *spoken) known() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.api
}

func (s *spoken) settle(api string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.api == "" {
		s.api = api
	}
}

// calls are the version's HTTP calls.
func (s *spoken) calls(api string) memberAPI {
	if api == ImageAPIv1 {
		return s.v1
	}
	return s.v2
}

// detect reads the version document (once per endpoint and process) and settles the version.
func (s *spoken) detect(ctx context.Context) (string, error) {
	if api := s.known(); api != "" {
		return api, nil
	}
	api, err := detectOnce(ctx, s.docs, s.root)
	if err != nil {
		return "", err
	}
	s.settle(api)
	return s.known(), nil
}

// DetectionError is a failed detection of the Image API version the service speaks.
type DetectionError struct {
	Err error
}

func (e *DetectionError) Error() string {
	return fmt.Sprintf("cannot tell which Image API the image service speaks: %s, or set image_api_version "+
		"(OS_IMAGE_API_VERSION) to \"2\" or \"1\" to skip this check", e.Err)
}

func (e *DetectionError) Unwrap() error { return e.Err }

// onAPI runs call in the version the service speaks (spoken): api is that version's calls.
// While the version is unknown, the call is made in v2: a success settles v2; a 300, a call v2
// lacks, or a 4xx answer (which a proxy in front of a v1-only Glance, or an endpoint that is
// no image service, may give as well) has the version detected first, and the call made again
// if that finds v1. A 5xx or no answer says nothing of the version: the error stands as it is,
// and the next call finds out. Until the version is known, one call at a time finds out, so that a
// service without v2 is tried once, not by every call Terraform runs at once. call never goes
// through onAPI again (it would wait for its own turn): what it reads on the way, it reads in
// the version it was given (Client.image, Client.members).
func onAPI[T any](
	ctx context.Context,
	c *Client,
	call func(ctx context.Context, api memberAPI, version string) (T, error),
) (T, error) {
	if v := c.spoken.known(); v != "" {
		return call(ctx, c.spoken.calls(v), v)
	}
	select {
	case c.spoken.turn <- struct{}{}:
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
	defer func() { <-c.spoken.turn }()
	if v := c.spoken.known(); v != "" { // the call before this one found out
		return call(ctx, c.spoken.calls(v), v)
	}
	out, err := call(ctx, c.spoken.v2, ImageAPIv2)
	var wrong *WrongAPIError
	var unsupported *UnsupportedError
	switch {
	case err == nil:
		c.spoken.settle(ImageAPIv2)
	case errors.As(err, &wrong), errors.As(err, &unsupported), Status(err) >= 400 && Status(err) < 500:
		v, derr := c.spoken.detect(ctx)
		if derr != nil {
			return out, &DetectionError{Err: derr}
		}
		if v == ImageAPIv1 {
			return call(ctx, c.spoken.calls(v), v)
		}
	}
	return out, err
}

// ImageAPI is the version the client speaks: ImageAPIv2, ImageAPIv1, or "" while no answer of
// the service has told (see Version).
func (c *Client) ImageAPI() string { return c.spoken.known() }

// Version is the version the client speaks, detected if no answer has told yet: for the
// plan-time checks of what one version lacks.
func (c *Client) Version(ctx context.Context) (string, error) {
	api, err := c.spoken.detect(ctx)
	if err != nil {
		return "", &DetectionError{Err: err}
	}
	return api, nil
}

// detection is one endpoint's version, detected once per provider process: Terraform
// configures the provider again for every command phase and every alias.
type detection struct {
	sync.Mutex // held across the request: a second configuration of the endpoint waits for the first
	api        string
}

// detected are the endpoints' detections, by unversioned endpoint.
var detected = struct {
	sync.Mutex
	by map[string]*detection
}{by: map[string]*detection{}}

// detectOnce is detectImageAPI, remembered per endpoint for the life of the process; a slow
// endpoint delays only the calls to it, never another region's. A failure is not remembered:
// the next configuration tries again.
func detectOnce(ctx context.Context, docs *gophercloud.ProviderClient, root string) (string, error) {
	detected.Lock()
	d, ok := detected.by[root]
	if !ok {
		d = &detection{}
		detected.by[root] = d
	}
	detected.Unlock()
	d.Lock()
	defer d.Unlock()
	if d.api != "" {
		return d.api, nil
	}
	api, err := detectImageAPI(ctx, docs, root)
	if err == nil {
		d.api = api
	}
	return api, err
}
