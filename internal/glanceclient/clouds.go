package glanceclient

import (
	"crypto/tls"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/config/clouds"
	"go.yaml.in/yaml/v3"
)

// cloudsFiles are the files a named cloud is read from, found as the OpenStack tools find
// them (openstacksdk's search, which gophercloud follows for clouds.yaml alone):
//   - clouds: OS_CLIENT_CONFIG_FILE, else the first of clouds.yaml and clouds.yml in the current
//     directory, the user's configuration directory ($XDG_CONFIG_HOME or ~/.config, then
//     openstack/), and /etc/openstack;
//   - secure: OS_CLIENT_SECURE_FILE, else secure.yaml or secure.yml beside the clouds file,
//     merged over its entry (passwords kept apart);
//   - public: the candidates for clouds-public.yaml (and .yml) in the same directories, for an
//     entry's `profile`; gophercloud reads the first that exists.
type cloudsFiles struct {
	clouds, secure string
	public         []string
	searched       []string // the clouds candidates, for the error when none exists
}

// searchDirs are the directories the clouds files are looked for in, in order.
func searchDirs(getenv func(string) string) []string {
	var dirs []string
	if cwd, err := os.Getwd(); err == nil {
		dirs = append(dirs, cwd)
	}
	config := getenv("XDG_CONFIG_HOME")
	if config == "" {
		home := getenv("HOME")
		if home == "" {
			home, _ = os.UserHomeDir()
		}
		if home != "" {
			config = filepath.Join(home, ".config")
		}
	}
	if config != "" {
		dirs = append(dirs, filepath.Join(config, "openstack"))
	}
	return append(dirs, filepath.Join("/etc", "openstack"))
}

// findCloudsFiles finds the files in dirs (searchDirs), or at OS_CLIENT_CONFIG_FILE and
// OS_CLIENT_SECURE_FILE. clouds is "" when no candidate exists.
func findCloudsFiles(getenv func(string) string, dirs []string) cloudsFiles {
	var f cloudsFiles
	if path := getenv("OS_CLIENT_CONFIG_FILE"); path != "" {
		f.searched = []string{path}
	} else {
		for _, dir := range dirs {
			f.searched = append(f.searched, filepath.Join(dir, "clouds.yaml"), filepath.Join(dir, "clouds.yml"))
		}
	}
	f.clouds = firstFile(f.searched)
	if path := getenv("OS_CLIENT_SECURE_FILE"); path != "" {
		f.secure = path
	} else if f.clouds != "" {
		dir := filepath.Dir(f.clouds)
		f.secure = firstFile([]string{filepath.Join(dir, "secure.yaml"), filepath.Join(dir, "secure.yml")})
	}
	for _, dir := range dirs {
		f.public = append(f.public, filepath.Join(dir, "clouds-public.yaml"), filepath.Join(dir, "clouds-public.yml"))
	}
	return f
}

// firstFile is the first of paths that is a file, or "".
func firstFile(paths []string) string {
	for _, p := range paths {
		if info, err := os.Stat(p); err == nil && !info.IsDir() {
			return p
		}
	}
	return ""
}

// parseOptions are clouds.Parse's options that read cloud from the files found. The secure
// file is named to gophercloud (it would look only for secure.yaml, never secure.yml or
// OS_CLIENT_SECURE_FILE); one it cannot open it skips in silence, so that is checked first.
func (f cloudsFiles) parseOptions(cloud string) ([]clouds.ParseOption, error) {
	if f.clouds == "" {
		return nil, &ConfigError{Attr: AttrCloud, Msg: fmt.Sprintf("Cloud %q is named, but no clouds file was "+
			"found: looked for %s. Put clouds.yaml in one of those places, or set OS_CLIENT_CONFIG_FILE to its path.",
			cloud, strings.Join(f.searched, ", "))}
	}
	opts := []clouds.ParseOption{
		clouds.WithCloudName(cloud), clouds.WithLocations(f.clouds), clouds.WithPublicLocations(f.public...),
	}
	if f.secure == "" {
		return opts, nil
	}
	secure, err := os.Open(f.secure)
	if err != nil {
		return nil, &ConfigError{Attr: AttrCloud, Msg: fmt.Sprintf("The secure file %s (passwords for %s) "+
			"cannot be read: %s. Fix its permissions, or unset OS_CLIENT_SECURE_FILE.", f.secure, f.clouds,
			errors.Unwrap(err))}
	}
	_ = secure.Close()
	return append(opts, clouds.WithSecureLocations(f.secure)), nil
}

// describe names the files an entry was read from, for messages: "/x/clouds.yaml" or
// "/x/clouds.yml (with /x/secure.yaml)".
func (f cloudsFiles) describe() string {
	if f.secure == "" {
		return f.clouds
	}
	return f.clouds + " (with " + f.secure + ")"
}

// cloudNames are the entries of the clouds file, sorted, for the error naming a cloud it does
// not have; nil when it cannot be read.
func (f cloudsFiles) cloudNames() []string {
	b, err := os.ReadFile(f.clouds)
	if err != nil {
		return nil
	}
	var doc struct {
		Clouds map[string]any `yaml:"clouds"`
	}
	if yaml.Unmarshal(b, &doc) != nil {
		return nil
	}
	names := make([]string, 0, len(doc.Clouds))
	for name := range doc.Clouds {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// fromClouds takes the values of the clouds.yaml entry named by cloudName (the block's cloud,
// else OS_CLOUD), below the block's, and the TLS settings, which gophercloud's clouds.Parse
// builds from the block's attributes, OS_CACERT/OS_CERT/OS_KEY and the file, in that order.
// With no cloud it parses an empty entry, so that TLS is built in one place either way.
func (c *Config) fromClouds(cloudName string, insecure *bool, getenv func(string) string) error {
	if cloudName == "" {
		cloudName = getenv("OS_CLOUD")
	}
	// The TLS files: the provider block's, else the environment's, else (inside Parse) the
	// cloud entry's. Parse would read OS_CACERT, OS_CERT and OS_KEY itself; given here, the
	// files are checked first, so that a bad one is blamed on where it came from.
	tlsFiles := map[string]string{}
	pemDir := ""
	defer func() {
		if pemDir != "" {
			_ = os.RemoveAll(pemDir)
		}
	}()
	for _, attr := range []string{attrCACertFile, attrCert, attrKey} {
		value, from := c.values[attr], c.sources[attr] // only the block's is set yet
		if value == "" {
			env := settingEnv(attr)
			value, from = getenv(env), env
		}
		if value == "" {
			continue
		}
		path, err := pemPath(value, attr, &pemDir)
		if err != nil {
			return &ConfigError{Attr: attr, Msg: fmt.Sprintf("%s (from %s) is neither a readable file nor PEM text: %s. "+
				"Give the path of a readable PEM file, or the PEM text itself (-----BEGIN …), or unset it.",
				attr, from, err)}
		}
		tlsFiles[attr] = path
	}
	opts := []clouds.ParseOption{
		// Region and interface are resolved outside Parse (envFirst), which reads the real
		// environment rather than getenv.
		clouds.WithRegion(""), clouds.WithEndpointType(""),
		clouds.WithCACertPath(tlsFiles[attrCACertFile]),
		clouds.WithClientCertPath(tlsFiles[attrCert]),
		clouds.WithClientKeyPath(tlsFiles[attrKey]),
	}
	if insecure == nil && getenv(InsecureEnv) != "" {
		b, err := strconv.ParseBool(getenv(InsecureEnv))
		if err != nil {
			return &ConfigError{
				Attr: attrInsecure,
				Msg:  fmt.Sprintf("%s=%q is not a boolean: set it to true or false.", InsecureEnv, getenv(InsecureEnv)),
			}
		}
		insecure = &b
	}
	if insecure != nil {
		opts = append(opts, clouds.WithInsecure(*insecure))
	}
	var files cloudsFiles
	if cloudName != "" {
		files = findCloudsFiles(getenv, searchDirs(getenv))
		fileOpts, err := files.parseOptions(cloudName)
		if err != nil {
			return err
		}
		opts = append(opts, fileOpts...)
	} else {
		empty := strings.NewReader("clouds: {glance: {auth: {}}}")
		opts = append(opts, clouds.WithCloudName("glance"), clouds.WithCloudsYAML(empty))
	}
	ao, eo, tlsConfig, err := parseClouds(opts)
	if err != nil && cloudName == "" { // only the TLS files can fail without a cloud
		return &ConfigError{Attr: attrCACertFile, Msg: fmt.Sprintf("Cannot set up TLS: %s. Check cacert_file (OS_CACERT), "+
			"cert (OS_CERT) and key (OS_KEY): each must be a readable PEM file, and cert and key go together.", err)}
	}
	if err != nil {
		return cloudEntryError(cloudName, files, err)
	}
	c.TLS = tlsConfig
	c.Insecure = tlsConfig.InsecureSkipVerify
	if cloudName != "" {
		c.fromCloudEntry(cloudName, files.clouds, ao, eo)
	}
	return nil
}

// cloudEntryError explains why the named entry could not be used, naming the file it was
// looked for in, and the entries there when it has no such entry.
func cloudEntryError(cloud string, files cloudsFiles, err error) error {
	if strings.Contains(err.Error(), "not found in clouds.yaml") {
		names := files.cloudNames()
		have := "no entries"
		if len(names) > 0 {
			have = "entries " + strings.Join(names, ", ")
		}
		return &ConfigError{Attr: AttrCloud, Msg: fmt.Sprintf("Cloud %q is not in %s, which has %s. Check the cloud "+
			"name (attribute cloud or OS_CLOUD), or point OS_CLIENT_CONFIG_FILE at the file that has it.",
			cloud, files.clouds, have)}
	}
	return &ConfigError{Attr: AttrCloud, Msg: fmt.Sprintf("Cannot use cloud %q from %s: %s. Check that entry (and its "+
		"profile in clouds-public.yaml, if it names one).", cloud, files.describe(), err)}
}

// parseClouds is clouds.Parse, made safe: gophercloud v2.15 panics on an entry without an
// auth section.
func parseClouds(
	opts []clouds.ParseOption,
) (ao gophercloud.AuthOptions, eo gophercloud.EndpointOpts, tlsConfig *tls.Config, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the entry could not be read (it needs an auth: section with auth_url and credentials)")
		}
	}()
	return clouds.Parse(opts...)
}
