// Package devcloud holds what the local cloud's tools share (devcloudctl and the acceptance
// tests' helpers): a client that logs in as one of its clouds.yaml entries. The scripts that
// start the cloud sit beside it.
package devcloud

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/config/clouds"
)

// Login logs in as a cloud of clouds.yaml (cloudsFile, or OS_CLIENT_CONFIG_FILE's when
// empty) and returns the provider client and the cloud's endpoint options.
//
// Every request gets its own connection: Keystone runs under uwsgi's http-socket, which can
// close a kept-alive connection just as the client reuses it, and Go does not retry a POST or
// DELETE that meets the closed end. The tools here do not retry; the provider does.
func Login(
	ctx context.Context,
	cloudsFile, cloud string,
) (*gophercloud.ProviderClient, gophercloud.EndpointOpts, error) {
	opts := []clouds.ParseOption{clouds.WithCloudName(cloud)}
	if cloudsFile != "" {
		opts = append(opts, clouds.WithLocations(cloudsFile))
	}
	ao, eo, tlsConfig, err := clouds.Parse(opts...)
	if err != nil {
		return nil, eo, fmt.Errorf("clouds.yaml cloud %s: %w", cloud, err)
	}
	ao.AllowReauth = true
	pc, err := LoginWith(ctx, ao, tlsConfig)
	if err != nil {
		return nil, eo, fmt.Errorf("login as %s: %w", cloud, err)
	}
	return pc, eo, nil
}

// LoginWith logs in with explicit options, one connection per request (see Login).
func LoginWith(
	ctx context.Context,
	ao gophercloud.AuthOptions,
	tlsConfig *tls.Config,
) (*gophercloud.ProviderClient, error) {
	pc, err := openstack.NewClient(ao.IdentityEndpoint)
	if err != nil {
		return nil, err
	}
	transport := &http.Transport{Proxy: http.ProxyFromEnvironment}
	if base, ok := http.DefaultTransport.(*http.Transport); ok {
		transport = base.Clone() // net/http's defaults: dial and TLS timeouts, HTTP/2
	}
	transport.DisableKeepAlives = true
	transport.TLSClientConfig = tlsConfig
	pc.HTTPClient = http.Client{Transport: transport}
	return pc, openstack.Authenticate(ctx, pc, ao)
}
