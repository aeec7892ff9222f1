// Command devcloudctl bootstraps the local Keystone + Glance started by devcloud.sh and
// answers small questions about it (for the demo), through gophercloud like the provider.
//
//	devcloudctl bootstrap -dir D -auth-url U -admin-password P -glance-url G -glance-password Q
//	devcloudctl members -cloud producer IMAGE_ID
//	devcloudctl unshare -cloud producer IMAGE_ID MEMBER_ID
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/applicationcredentials"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/endpoints"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/projects"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/regions"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/roles"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/services"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/tokens"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/users"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/imagedata"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/members"
	"go.yaml.in/yaml/v3"

	"github.com/glancetf/terraform-provider-glance/internal/devcloud"
)

func main() {
	if len(os.Args) < 2 {
		fail(fmt.Errorf("usage: devcloudctl bootstrap|members|unshare [arguments]"))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var err error
	switch os.Args[1] {
	case "bootstrap":
		err = bootstrapCmd(ctx, os.Args[2:])
	case "members":
		err = membersCmd(ctx, os.Args[2:])
	case "unshare":
		err = unshareCmd(ctx, os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "devcloudctl:", err)
	os.Exit(1)
}

type bootstrapFlags struct {
	dir, authURL, shortAuthURL, adminPassword, glanceURL, glance2URL, glancePassword string
	memberQuota, shortTokenSeconds                                                   int
}

func bootstrapCmd(ctx context.Context, args []string) error {
	var f bootstrapFlags
	fs := flag.NewFlagSet("bootstrap", flag.ContinueOnError)
	fs.StringVar(&f.dir, "dir", "", "devcloud directory")
	fs.StringVar(&f.authURL, "auth-url", "", "Keystone v3 URL")
	fs.StringVar(&f.adminPassword, "admin-password", "", "admin password")
	fs.StringVar(&f.glanceURL, "glance-url", "", "Glance URL")
	fs.StringVar(&f.glance2URL, "glance2-url", "", "URL of the second region's Glance")
	fs.StringVar(&f.glancePassword, "glance-password", "", "glance service user password")
	fs.IntVar(&f.memberQuota, "member-quota", 0, "Glance's image_member_quota, recorded for the tests")
	fs.StringVar(&f.shortAuthURL, "short-auth-url", "", "URL of the second Keystone, whose tokens expire quickly")
	fs.IntVar(&f.shortTokenSeconds, "short-token-seconds", 0, "token lifetime of the second Keystone, recorded for the "+
		"tests")
	if err := fs.Parse(args); err != nil {
		return err
	}
	admin, err := devcloud.LoginWith(ctx, gophercloud.AuthOptions{
		IdentityEndpoint: f.authURL, Username: "admin", Password: f.adminPassword, DomainName: "Default",
		Scope: &gophercloud.AuthScope{ProjectName: "admin", DomainName: "Default"},
	}, nil)
	if err != nil {
		return fmt.Errorf("admin login: %w", err)
	}
	id, err := openstack.NewIdentityV3(admin, gophercloud.EndpointOpts{Region: "RegionOne"})
	if err != nil {
		return err
	}

	// Glance's own service user, and the image service in the catalog.
	service, err := ensureProject(ctx, id, "service")
	if err != nil {
		return err
	}
	if err := ensureUser(ctx, id, "glance", f.glancePassword, service, "admin", "service"); err != nil {
		return err
	}
	regions := map[string]string{devcloud.RegionOne: f.glanceURL, devcloud.RegionTwo: f.glance2URL}
	if err := ensureImageService(ctx, id, regions); err != nil {
		return err
	}

	projectIDs := map[string]string{"service": service}
	for _, name := range devcloud.Tenants {
		p, err := ensureProject(ctx, id, name)
		if err != nil {
			return err
		}
		projectIDs[name] = p
		if err := ensureUser(ctx, id, name, devcloud.Password(name), p, "member", "reader"); err != nil {
			return err
		}
	}
	readers := map[string]string{devcloud.ProducerReader: devcloud.Producer, devcloud.ConsumerReader: devcloud.Consumer}
	for reader, project := range readers {
		if err := ensureUser(ctx, id, reader, devcloud.Password(reader), projectIDs[project], "reader"); err != nil {
			return err
		}
	}
	adminProject, err := ensureProject(ctx, id, "admin")
	if err != nil {
		return err
	}
	projectIDs["admin"] = adminProject

	appCredID, err := ensureAppCredential(ctx, f.authURL)
	if err != nil {
		return err
	}
	cloudsFile := filepath.Join(f.dir, "clouds.yaml")
	if err := writeClouds(cloudsFile, f, appCredID); err != nil {
		return err
	}

	// The producer's images: one it can share, one it cannot.
	img, err := cloudClient(ctx, cloudsFile, devcloud.Producer)
	if err != nil {
		return err
	}
	shared, err := ensureImage(ctx, img, "devcloud-shared", images.ImageVisibilityShared)
	if err != nil {
		return err
	}
	private, err := ensureImage(ctx, img, "devcloud-private", images.ImageVisibilityPrivate)
	if err != nil {
		return err
	}

	env := map[string]string{
		devcloud.EnvCloudsFile:        cloudsFile,
		devcloud.EnvAuthURL:           f.authURL,
		devcloud.EnvImageURL:          f.glanceURL,
		devcloud.EnvImage2URL:         f.glance2URL,
		devcloud.EnvSharedImageID:     shared,
		devcloud.EnvPrivateImageID:    private,
		devcloud.EnvMemberQuota:       strconv.Itoa(f.memberQuota),
		devcloud.EnvShortTokenSeconds: strconv.Itoa(f.shortTokenSeconds),
		devcloud.EnvAppCredSecret:     appCredSecret,
		devcloud.EnvDir:               f.dir,
	}
	for name, p := range projectIDs {
		env[devcloud.EnvProjectID(name)] = p
	}
	var b bytes.Buffer
	for _, k := range slices.Sorted(maps.Keys(env)) {
		fmt.Fprintf(&b, "export %s=%s\n", k, env[k])
	}
	return os.WriteFile(filepath.Join(f.dir, "env"), b.Bytes(), 0o600)
}

// cloudEntry is one cloud of clouds.yaml, as gophercloud's clouds package reads it.
type cloudEntry struct {
	RegionName         string            `yaml:"region_name"`
	IdentityAPIVersion int               `yaml:"identity_api_version"`
	AuthType           string            `yaml:"auth_type,omitempty"`
	Auth               map[string]string `yaml:"auth"`
}

// writeClouds writes the clouds admin, producer, consumer, consumer2; producer-short-token
// (the producer through the Keystone whose tokens expire quickly), producer-appcred (the
// producer's application credential), and the guides' names for some of them.
func writeClouds(path string, f bootstrapFlags, appCredID string) error {
	clouds := map[string]cloudEntry{}
	entry := func(cloud, authURL, user, pass, project string) {
		clouds[cloud] = cloudEntry{RegionName: "RegionOne", IdentityAPIVersion: 3, Auth: map[string]string{
			"auth_url": authURL, "username": user, "password": pass, "project_name": project,
			"user_domain_name": "Default", "project_domain_name": "Default",
		}}
	}
	entry(devcloud.Admin, f.authURL, "admin", f.adminPassword, "admin")
	for _, t := range devcloud.Tenants {
		entry(t, f.authURL, t, devcloud.Password(t), t)
	}
	entry(
		devcloud.ProducerReader,
		f.authURL,
		devcloud.ProducerReader,
		devcloud.Password(devcloud.ProducerReader),
		devcloud.Producer,
	)
	entry(
		devcloud.ConsumerReader,
		f.authURL,
		devcloud.ConsumerReader,
		devcloud.Password(devcloud.ConsumerReader),
		devcloud.Consumer,
	)
	if f.shortAuthURL != "" {
		entry(
			devcloud.ProducerShortToken,
			f.shortAuthURL,
			devcloud.Producer,
			devcloud.Password(devcloud.Producer),
			devcloud.Producer,
		)
	}
	clouds[devcloud.ProducerAppCred] = cloudEntry{
		RegionName:         "RegionOne",
		IdentityAPIVersion: 3,
		AuthType:           "v3applicationcredential",
		Auth: map[string]string{
			"auth_url": f.authURL, "application_credential_id": appCredID, "application_credential_secret": appCredSecret,
		},
	}
	for alias, cloud := range devcloud.GuideClouds {
		clouds[alias] = clouds[cloud]
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(map[string]any{"clouds": clouds}); err != nil {
		return err
	}
	return os.WriteFile(path, b.Bytes(), 0o600)
}

// appCredSecret is the throw-away secret of the producer's application credential.
const appCredSecret = "devcloud-appcred-secret"

// ensureAppCredential (re)creates the producer's application credential "devcloud": its
// secret cannot be read back, so an existing one is replaced.
func ensureAppCredential(ctx context.Context, authURL string) (string, error) {
	pc, err := devcloud.LoginWith(ctx, gophercloud.AuthOptions{
		IdentityEndpoint: authURL, Username: devcloud.Producer, Password: devcloud.Password(devcloud.Producer),
		DomainName: "Default",
		Scope:      &gophercloud.AuthScope{ProjectName: devcloud.Producer, DomainName: "Default"},
	}, nil)
	if err != nil {
		return "", fmt.Errorf("producer login: %w", err)
	}
	id, err := openstack.NewIdentityV3(pc, gophercloud.EndpointOpts{Region: "RegionOne"})
	if err != nil {
		return "", err
	}
	auth, ok := pc.GetAuthResult().(tokens.CreateResult)
	if !ok {
		return "", fmt.Errorf("keystone's answer to the login is not a v3 token")
	}
	user, err := auth.ExtractUser()
	if err != nil {
		return "", err
	}
	pages, err := applicationcredentials.List(id, user.ID, applicationcredentials.ListOpts{Name: "devcloud"}).AllPages(ctx)
	if err != nil {
		return "", fmt.Errorf("list application credentials: %w", err)
	}
	existing, err := applicationcredentials.ExtractApplicationCredentials(pages)
	if err != nil {
		return "", err
	}
	for _, ac := range existing {
		if err := applicationcredentials.Delete(ctx, id, user.ID, ac.ID).ExtractErr(); err != nil {
			return "", fmt.Errorf("delete application credential: %w", err)
		}
	}
	acOpts := applicationcredentials.CreateOpts{Name: "devcloud", Secret: appCredSecret}
	ac, err := applicationcredentials.Create(ctx, id, user.ID, acOpts).
		Extract()
	if err != nil {
		return "", fmt.Errorf("create application credential: %w", err)
	}
	return ac.ID, nil
}

func ensureProject(ctx context.Context, id *gophercloud.ServiceClient, name string) (string, error) {
	pages, err := projects.List(id, projects.ListOpts{Name: name, DomainID: "default"}).AllPages(ctx)
	if err != nil {
		return "", fmt.Errorf("list projects: %w", err)
	}
	found, err := projects.ExtractProjects(pages)
	if err != nil {
		return "", err
	}
	if len(found) > 0 {
		return found[0].ID, nil
	}
	p, err := projects.Create(ctx, id, projects.CreateOpts{Name: name, DomainID: "default"}).Extract()
	if err != nil {
		return "", fmt.Errorf("create project %s: %w", name, err)
	}
	return p.ID, nil
}

func ensureRole(ctx context.Context, id *gophercloud.ServiceClient, name string) (string, error) {
	pages, err := roles.List(id, roles.ListOpts{Name: name}).AllPages(ctx)
	if err != nil {
		return "", fmt.Errorf("list roles: %w", err)
	}
	found, err := roles.ExtractRoles(pages)
	if err != nil {
		return "", err
	}
	if len(found) > 0 {
		return found[0].ID, nil
	}
	r, err := roles.Create(ctx, id, roles.CreateOpts{Name: name}).Extract()
	if err != nil {
		return "", fmt.Errorf("create role %s: %w", name, err)
	}
	return r.ID, nil
}

// ensureUser creates the user (or resets its password) and grants it roleNames on project.
func ensureUser(
	ctx context.Context,
	id *gophercloud.ServiceClient,
	name, pass, project string,
	roleNames ...string,
) error {
	pages, err := users.List(id, users.ListOpts{Name: name, DomainID: "default"}).AllPages(ctx)
	if err != nil {
		return fmt.Errorf("list users: %w", err)
	}
	found, err := users.ExtractUsers(pages)
	if err != nil {
		return err
	}
	var userID string
	if len(found) > 0 {
		userID = found[0].ID
		if _, err := users.Update(ctx, id, userID, users.UpdateOpts{Password: pass}).Extract(); err != nil {
			return fmt.Errorf("update user %s: %w", name, err)
		}
	} else {
		opts := users.CreateOpts{Name: name, Password: pass, DomainID: "default", DefaultProjectID: project}
		u, err := users.Create(ctx, id, opts).Extract()
		if err != nil {
			return fmt.Errorf("create user %s: %w", name, err)
		}
		userID = u.ID
	}
	for _, rn := range roleNames {
		roleID, err := ensureRole(ctx, id, rn)
		if err != nil {
			return err
		}
		// Assigning an existing assignment is a no-op in Keystone (204).
		opts := roles.AssignOpts{UserID: userID, ProjectID: project}
		if err := roles.Assign(ctx, id, roleID, opts).ExtractErr(); err != nil {
			return fmt.Errorf("assign %s to %s: %w", rn, name, err)
		}
	}
	return nil
}

// ensureImageService puts the image service in the catalog: in each region (created when
// missing), public, internal and admin endpoints at the region's URL.
func ensureImageService(ctx context.Context, id *gophercloud.ServiceClient, urls map[string]string) error {
	pages, err := services.List(id, services.ListOpts{ServiceType: "image"}).AllPages(ctx)
	if err != nil {
		return fmt.Errorf("list services: %w", err)
	}
	found, err := services.ExtractServices(pages)
	if err != nil {
		return err
	}
	var serviceID string
	if len(found) > 0 {
		serviceID = found[0].ID
	} else {
		opts := services.CreateOpts{Type: "image", Extra: map[string]any{"name": "glance"}}
		s, err := services.Create(ctx, id, opts).Extract()
		if err != nil {
			return fmt.Errorf("create image service: %w", err)
		}
		serviceID = s.ID
	}
	epPages, err := endpoints.List(id, endpoints.ListOpts{ServiceID: serviceID}).AllPages(ctx)
	if err != nil {
		return fmt.Errorf("list endpoints: %w", err)
	}
	eps, err := endpoints.ExtractEndpoints(epPages)
	if err != nil {
		return err
	}
	type key struct {
		region string
		av     gophercloud.Availability
	}
	have := map[key]bool{}
	for _, ep := range eps {
		have[key{ep.Region, ep.Availability}] = true
	}
	for _, region := range slices.Sorted(maps.Keys(urls)) {
		if urls[region] == "" {
			continue
		}
		if err := regions.Get(ctx, id, region).Err; gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
			if _, err := regions.Create(ctx, id, regions.CreateOpts{ID: region}).Extract(); err != nil {
				return fmt.Errorf("create region %s: %w", region, err)
			}
		} else if err != nil {
			return fmt.Errorf("read region %s: %w", region, err)
		}
		for _, av := range []gophercloud.Availability{
			gophercloud.AvailabilityPublic, gophercloud.AvailabilityInternal, gophercloud.AvailabilityAdmin,
		} {
			if have[key{region, av}] {
				continue
			}
			opts := endpoints.CreateOpts{Availability: av, Region: region, URL: urls[region], ServiceID: serviceID}
			if _, err := endpoints.Create(ctx, id, opts).Extract(); err != nil {
				return fmt.Errorf("create %s image endpoint in %s: %w", av, region, err)
			}
		}
	}
	return nil
}

func ensureImage(
	ctx context.Context,
	img *gophercloud.ServiceClient,
	name string,
	vis images.ImageVisibility,
) (string, error) {
	pages, err := images.List(img, images.ListOpts{Name: name, Visibility: vis}).AllPages(ctx)
	if err != nil {
		return "", fmt.Errorf("list images: %w", err)
	}
	found, err := images.ExtractImages(pages)
	if err != nil {
		return "", err
	}
	for _, i := range found {
		if i.Status == images.ImageStatusActive {
			return i.ID, nil
		}
	}
	opts := images.CreateOpts{Name: name, Visibility: &vis, DiskFormat: "raw", ContainerFormat: "bare"}
	i, err := images.Create(ctx, img, opts).
		Extract()
	if err != nil {
		return "", fmt.Errorf("create image %s: %w", name, err)
	}
	if err := imagedata.Upload(ctx, img, i.ID, strings.NewReader("devcloud image "+name+"\n")).ExtractErr(); err != nil {
		return "", fmt.Errorf("upload image %s: %w", name, err)
	}
	return i.ID, nil
}

// cloudClient is an image client for a cloud of the devcloud clouds.yaml.
func cloudClient(ctx context.Context, cloudsFile, cloud string) (*gophercloud.ServiceClient, error) {
	pc, eo, err := devcloud.Login(ctx, cloudsFile, cloud)
	if err != nil {
		return nil, err
	}
	return openstack.NewImageV2(pc, eo)
}

// membersCmd prints an image's members as "member_id status", one a line, or "no members".
func membersCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("members", flag.ContinueOnError)
	cloud := fs.String("cloud", devcloud.Producer, "cloud name in clouds.yaml (OS_CLIENT_CONFIG_FILE)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("usage: devcloudctl members [-cloud NAME] IMAGE_ID")
	}
	img, err := cloudClient(ctx, os.Getenv(devcloud.EnvCloudsFile), *cloud)
	if err != nil {
		return err
	}
	pages, err := members.List(img, fs.Arg(0)).AllPages(ctx)
	if err != nil {
		return err
	}
	ms, err := members.ExtractMembers(pages)
	if err != nil {
		return err
	}
	if len(ms) == 0 {
		fmt.Printf("image %s: no members\n", fs.Arg(0))
	}
	for _, m := range ms {
		fmt.Printf("image %s: member %s status %s\n", fs.Arg(0), m.MemberID, m.Status)
	}
	return nil
}

// unshareCmd removes a membership if it is there: the demo's clean start after an
// interrupted run.
func unshareCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("unshare", flag.ContinueOnError)
	cloud := fs.String("cloud", devcloud.Producer, "cloud name in clouds.yaml (OS_CLIENT_CONFIG_FILE)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return fmt.Errorf("usage: devcloudctl unshare [-cloud NAME] IMAGE_ID MEMBER_ID")
	}
	img, err := cloudClient(ctx, os.Getenv(devcloud.EnvCloudsFile), *cloud)
	if err != nil {
		return err
	}
	err = members.Delete(ctx, img, fs.Arg(0), fs.Arg(1)).ExtractErr()
	if gophercloud.ResponseCodeIs(err, 404) {
		return nil
	}
	return err
}
