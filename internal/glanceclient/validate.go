package glanceclient

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// validate reports the first problem that would keep authentication from working, naming
// the attributes and environment variables that fix it: each check below, in order.
func (c *Config) validate() error {
	for _, check := range []func() error{
		c.checkAuthURL, c.checkImageEndpoint, c.checkImageAPIVersion, c.checkEndpointType,
		c.checkOneCredential, c.checkCredentialParts, c.checkProject,
	} {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

// has says whether attr has a value.
func (c *Config) has(attr string) bool { return c.values[attr] != "" }

// checkAuthURL needs a Keystone URL, an http(s) one.
func (c *Config) checkAuthURL() error {
	if !c.has(AttrAuthURL) {
		return &ConfigError{
			Attr: AttrAuthURL,
			Msg: "No Keystone URL is configured. Set auth_url in the provider block, OS_AUTH_URL in the environment, or name " +
				"a cloud (cloud or OS_CLOUD) whose clouds.yaml entry has auth.auth_url.",
		}
	}
	if u, err := url.Parse(c.values[AttrAuthURL]); err != nil || (u.Scheme != "http" && u.Scheme != "https") ||
		u.Host == "" {
		return &ConfigError{
			Attr: AttrAuthURL,
			Msg: fmt.Sprintf(
				"%s = %q is not an http(s) URL. Use the Keystone URL, for example https://keystone.example.com:5000/v3.",
				c.from(AttrAuthURL),
				c.values[AttrAuthURL],
			),
		}
	}
	return nil
}

// checkImageEndpoint needs image_endpoint, when given, to be an http(s) URL.
func (c *Config) checkImageEndpoint() error {
	if c.has(AttrImageEndpoint) {
		if u, err := url.Parse(c.values[AttrImageEndpoint]); err != nil || (u.Scheme != "http" && u.Scheme != "https") ||
			u.Host == "" {
			return &ConfigError{
				Attr: AttrImageEndpoint,
				Msg: fmt.Sprintf(
					"%s = %q is not an http(s) URL. Use the image service's base URL, for example https://glance.example.com:9292.",
					c.from(AttrImageEndpoint),
					c.values[AttrImageEndpoint],
				),
			}
		}
	}
	return nil
}

// checkImageAPIVersion needs image_api_version, when given, to be one the provider speaks.
func (c *Config) checkImageAPIVersion() error {
	if v := c.values[attrImageAPIVersion]; v != "" && c.ImageAPI() == "" {
		return &ConfigError{
			Attr: attrImageAPIVersion,
			Msg: fmt.Sprintf(
				"%s = %q is not an Image API version the provider speaks: use \"2\" or \"1\", or leave it unset to detect it.",
				c.from(attrImageAPIVersion),
				v,
			),
		}
	}
	return nil
}

// checkEndpointType needs endpoint_type, when given, to be a catalog interface.
func (c *Config) checkEndpointType() error {
	if et := c.values[attrEndpointType]; et != "" && !slices.Contains(EndpointTypes, et) {
		return &ConfigError{
			Attr: attrEndpointType,
			Msg: fmt.Sprintf(
				"%s = %q is not one of public, internal, admin (or publicURL, internalURL, adminURL).",
				c.from(attrEndpointType),
				et,
			),
		}
	}
	return nil
}

// checkOneCredential needs exactly one way to authenticate.
func (c *Config) checkOneCredential() error {
	// Exactly one way to authenticate.
	var methods []string
	if c.has(attrPassword) {
		methods = append(methods, c.from(attrPassword))
	}
	if c.has(attrToken) {
		methods = append(methods, c.from(attrToken))
	}
	if c.has(attrApplicationCredentialSecret) {
		methods = append(methods, c.from(attrApplicationCredentialSecret))
	}
	switch {
	case len(methods) == 0:
		return &ConfigError{
			Attr: attrPassword,
			Msg: "No credentials are configured. Set one of: password (OS_PASSWORD) with user_name or user_id; token " +
				"(OS_TOKEN); application_credential_secret (OS_APPLICATION_CREDENTIAL_SECRET) with application_credential_id — " +
				"in the provider block, the environment, or the clouds.yaml entry named by cloud.",
		}
	case len(methods) > 1:
		return &ConfigError{
			Attr: attrToken,
			Msg: fmt.Sprintf(
				"More than one way to authenticate is configured: %s. Keep exactly one of them.",
				strings.Join(methods, ", "),
			),
		}
	}
	return nil
}

// checkCredentialParts needs what the way to authenticate goes with: a user, an application credential.
func (c *Config) checkCredentialParts() error {
	switch {
	case c.has(attrPassword):
		if !c.has(attrUserName) && !c.has(attrUserID) {
			return &ConfigError{
				Attr: attrUserName,
				Msg: fmt.Sprintf(
					"%s is set but no user is: set user_name (OS_USERNAME) or user_id (OS_USER_ID).",
					c.from(attrPassword),
				),
			}
		}
	case c.has(attrApplicationCredentialSecret):
		if !c.has(attrApplicationCredentialID) && !c.has(attrApplicationCredentialName) {
			return &ConfigError{
				Attr: attrApplicationCredentialID,
				Msg: fmt.Sprintf(
					"%s is set but no application credential is named: set application_credential_id (OS_APPLICATION_CREDENTIAL_ID).",
					c.from(attrApplicationCredentialSecret),
				),
			}
		}
		byName := c.has(attrApplicationCredentialName) && !c.has(attrApplicationCredentialID)
		if byName && !c.has(attrUserName) && !c.has(attrUserID) {
			return &ConfigError{
				Attr: attrUserName,
				Msg: "application_credential_name needs its user: set user_id or user_name, or use application_credential_id " +
					"instead.",
			}
		}
	}
	return nil
}

// checkProject refuses a project given both by ID and by name.
func (c *Config) checkProject() error {
	if c.has(attrProjectID) && c.has(attrProjectName) {
		return &ConfigError{
			Attr: attrProjectName,
			Msg:  fmt.Sprintf("Both %s and %s are set: keep one of them.", c.from(attrProjectID), c.from(attrProjectName)),
		}
	}
	return nil
}
