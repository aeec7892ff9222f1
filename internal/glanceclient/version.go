package glanceclient

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
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
// {root}/versions, which Glance serves without a token) and returns the version to speak: v2
// when it is listed, else v1. Versions marked EXPERIMENTAL do not count, deprecated ones do
// (as keystoneauth counts them): a Queens Glance lists v1 as DEPRECATED. An endpoint that
// cannot be read, or lists neither, is an error that names it and what it listed.
func DetectImageAPI(ctx context.Context, hc *http.Client, endpoint string) (string, error) {
	url := UnversionedEndpoint(endpoint) + "versions"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", fmt.Errorf("the image endpoint %q is not a URL: %w", endpoint, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("cannot read the image service's versions at %s: %w. Check image_endpoint, or the catalog's image endpoint, and the network", url, err)
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
	if (resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusMultipleChoices) || json.Unmarshal(body, &doc) != nil {
		return "", fmt.Errorf("%s answered HTTP %d without a versions document, so it is not an image service's root. Set image_endpoint to the image service's URL (http://host:9292 or with /v2, /v1)", url, resp.StatusCode)
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
	return "", fmt.Errorf("the image service at %s lists %s; the provider speaks Image API v2 and v1. Point image_endpoint at a Glance that serves one of them", url, strings.Join(listed, ", "))
}
