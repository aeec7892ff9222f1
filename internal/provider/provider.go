// Package provider is the Terraform side of terraform-provider-glance: the provider schema
// and one file per resource or data source.
package provider

import (
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	dstimeouts "github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/providervalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/glancetf/terraform-provider-glance/internal/glanceclient"
)

var (
	_ provider.Provider                     = (*glanceProvider)(nil)
	_ provider.ProviderWithConfigValidators = (*glanceProvider)(nil)
	_ provider.ProviderWithListResources    = (*glanceProvider)(nil)
)

// New returns the provider factory; version is set at release and goes into the User-Agent.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &glanceProvider{version: version} }
}

type glanceProvider struct {
	version string
	// getenv is os.Getenv except in tests.
	getenv func(string) string
}

func (p *glanceProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "glance"
	resp.Version = p.version
}

func (p *glanceProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	attrs := map[string]schema.Attribute{
		"max_retries": schema.Int64Attribute{
			Optional: true,
			MarkdownDescription: fmt.Sprintf("How many times one request is tried again after a transient failure: no "+
				"connection, a connection reset or timed out, "+
				"or HTTP 429, 502, 503 or 504 (other answers are never retried). Waits grow exponentially with jitter, or follow "+
				"Glance's `Retry-After`, "+
				"and stop at the operation's timeout. A retried add that finds the member already there, or a retried remove "+
				"that finds it gone, succeeded. "+
				"Default %d; 0 turns retries off. Environment: `%s`.", glanceclient.DefaultMaxRetries, glanceclient.MaxRetriesEnv),
			Validators: []validator.Int64{int64validator.Between(0, 100)},
		},
		"insecure": schema.BoolAttribute{
			Optional: true,
			MarkdownDescription: "Skip verification of TLS certificates. Unsafe outside tests; prefer `cacert_file`. " +
				"Environment: `" + glanceclient.InsecureEnv + "`.",
		},
	}
	for _, f := range glanceclient.Flags {
		desc := f.Description
		if len(f.Env) > 0 {
			desc += " Environment: " + envList(f.Env) + "."
		}
		attrs[f.Attr] = schema.BoolAttribute{Optional: true, MarkdownDescription: desc}
	}
	attrs[glanceclient.AttrEndpointOverrides] = schema.MapAttribute{
		ElementType: types.StringType,
		Optional:    true,
		MarkdownDescription: "The openstack provider's per-service endpoints. The `image` key is `image_endpoint` (the " +
			"two must agree when both are set); this provider calls only Keystone and Glance, so any other key is " +
			"ignored, with a warning.",
	}
	for _, s := range glanceclient.Settings {
		a := schema.StringAttribute{
			Optional:            true,
			Sensitive:           s.Sensitive,
			MarkdownDescription: s.Description + " Environment: " + envList(s.Env) + ".",
		}
		for _, alias := range s.Aliases {
			attrs[alias] = schema.StringAttribute{
				Optional:  true,
				Sensitive: s.Sensitive,
				MarkdownDescription: fmt.Sprintf(
					"Another name for `%s`, as terraform-provider-openstack names it; set one of "+
						"them.",
					s.Attr,
				),
			}
		}
		switch s.Attr {
		case "endpoint_type":
			a.Validators = []validator.String{stringvalidator.OneOf(glanceclient.EndpointTypes...)}
		case "image_api_version":
			a.Validators = []validator.String{
				stringvalidator.RegexMatches(
					glanceclient.ImageAPIVersionPattern,
					`must be "2" or "1" (a minor version such as "2.0" counts as its major)`,
				),
			}
		}
		attrs[s.Attr] = a
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages OpenStack image sharing: Glance image members. " +
			"Every attribute is optional. Each value is taken from the provider block first; then, for `region`, " +
			"`endpoint_type` and TLS (`cacert_file`, `cert`, `key`, `insecure`), " +
			"from the environment and then the clouds.yaml entry named by `cloud`, as gophercloud and the openstack provider " +
			"order them; for every other attribute, from the clouds.yaml entry and then the environment. " +
			"A user or project given by name without a domain is looked up in `domain_id`/`domain_name`, else in " +
			"`default_domain` (`default`), as the openstack provider does; its names (`tenant_name`, `tenant_id`, " +
			"`publicURL`, …) are accepted. " +
			"`terraform validate` reports every conflict within the block at once: `token`, `password` and " +
			"`application_credential_secret` together, `project_id` with `project_name`, `cert` without `key`.",
		Attributes: attrs,
	}
}

// ConfigValidators report at `terraform validate`, all at once, the provider block's settings
// that cannot go together. Configure checks them again once clouds.yaml and the environment
// are merged in, which validate cannot see.
func (p *glanceProvider) ConfigValidators(context.Context) []provider.ConfigValidator {
	root := path.MatchRoot
	return []provider.ConfigValidator{
		providervalidator.Conflicting(root("token"), root("password")),
		providervalidator.Conflicting(root("token"), root("application_credential_secret")),
		providervalidator.Conflicting(root("password"), root("application_credential_secret")),
		providervalidator.Conflicting(root("project_id"), root("project_name"), root("tenant_id"), root("tenant_name")),
		providervalidator.RequiredTogether(root("cert"), root("key")),
	}
}

func envList(envs []string) string {
	out := ""
	for i, e := range envs {
		if i > 0 {
			out += " or "
		}
		out += "`" + e + "`"
	}
	return out
}

func (p *glanceProvider) Configure(
	ctx context.Context,
	req provider.ConfigureRequest,
	resp *provider.ConfigureResponse,
) {
	block, ok := blockSettings(ctx, req.Config, resp)
	if !ok {
		return
	}
	getenv := p.getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	cfg, err := glanceclient.Resolve(block, getenv)
	if err != nil {
		addConfigError(resp, err)
		return
	}
	ctx = tflog.MaskAllFieldValuesStrings(ctx, cfg.Secrets()...)
	ctx = tflog.MaskMessageStrings(ctx, cfg.Secrets()...)
	if cfg.Insecure {
		resp.Diagnostics.Append(insecureWarning())
	}
	for _, w := range cfg.Warnings {
		resp.Diagnostics.AddAttributeWarning(path.Root(w.Attr), w.Summary, w.Detail)
	}
	userAgent := fmt.Sprintf("terraform-provider-glance/%s Terraform/%s", p.version, req.TerraformVersion)
	login := func(ctx context.Context) (*glanceclient.Client, error) {
		client, err := glanceclient.New(ctx, cfg, userAgent)
		if err == nil {
			tflog.Info(ctx, "glance provider logged in", map[string]any{
				"auth_url": cfg.Get(glanceclient.AttrAuthURL), "cloud": cfg.Get(glanceclient.AttrCloud),
				"project_id": client.ProjectID, "region": cfg.Get(glanceclient.AttrRegion),
				"image_endpoint": client.Endpoint, "image_api_version": client.ImageAPI(),
			})
		}
		return client, err
	}
	source := &clientSource{login: login}
	if !cfg.Flag(glanceclient.AttrDelayedAuth) {
		// The login and the version document have no timeouts block: the read default bounds
		// them, so that a Keystone or Glance that answers too slowly (or trickles) never holds a
		// plan; a Ctrl-C ends them.
		configureCtx, cancel := context.WithTimeout(ctx, defaultReadTimeout)
		defer cancel()
		client, err := login(configureCtx)
		if err != nil {
			addConfigError(resp, err)
			return
		}
		source = loggedIn(client)
	}
	source.failedCreatesLost = !keepsFailedCreatesIn(req.TerraformVersion)
	resp.ResourceData = source
	resp.DataSourceData = source
	resp.ListResourceData = source
}

// blockSettings reads the attributes set in the provider block, typed. A value not yet known
// (computed from another resource) cannot configure a client: say so instead of guessing.
func blockSettings(
	ctx context.Context,
	config tfsdk.Config,
	resp *provider.ConfigureResponse,
) (glanceclient.Block, bool) {
	block := glanceclient.Block{Settings: map[string]string{}, Flags: map[string]bool{}}
	for _, s := range glanceclient.Settings {
		for _, name := range append([]string{s.Attr}, s.Aliases...) { // an alias is the same setting
			var v types.String
			readKnown(ctx, config, path.Root(name), &v, resp)
			if v.ValueString() != "" && block.Settings[s.Attr] == "" {
				block.Settings[s.Attr] = v.ValueString()
			}
		}
	}
	for _, f := range glanceclient.Flags {
		var v types.Bool
		if readKnown(ctx, config, path.Root(f.Attr), &v, resp) && !v.IsNull() {
			block.Flags[f.Attr] = v.ValueBool()
		}
	}
	endpointOverrides(ctx, config, block.Settings, resp)
	var maxRetries types.Int64
	var insecure types.Bool
	readKnown(ctx, config, path.Root(glanceclient.AttrMaxRetries), &maxRetries, resp)
	readKnown(ctx, config, path.Root("insecure"), &insecure, resp)
	if resp.Diagnostics.HasError() {
		return block, false
	}
	block.MaxRetries, block.Insecure = maxRetries.ValueInt64Pointer(), insecure.ValueBoolPointer()
	return block, true
}

// readKnown reads one attribute of the provider block into v, and says whether its value is
// known: one computed from another resource is only known after apply, and cannot configure
// a client during plan.
func readKnown(
	ctx context.Context,
	config tfsdk.Config,
	at path.Path,
	v interface{ IsUnknown() bool }, // a pointer to a types value
	resp *provider.ConfigureResponse,
) bool {
	resp.Diagnostics.Append(config.GetAttribute(ctx, at, v)...)
	if v.IsUnknown() {
		resp.Diagnostics.Append(notKnownYet(at))
		return false
	}
	return true
}

// endpointOverrides takes the openstack provider's endpoint_overrides: its image entry is
// image_endpoint (an error when both are set and differ), any other entry is warned about.
func endpointOverrides(
	ctx context.Context,
	config tfsdk.Config,
	explicit map[string]string,
	resp *provider.ConfigureResponse,
) {
	attr := path.Root(glanceclient.AttrEndpointOverrides)
	var overrides map[string]types.String
	resp.Diagnostics.Append(config.GetAttribute(ctx, attr, &overrides)...)
	keys := slices.Sorted(maps.Keys(overrides))
	for _, key := range keys {
		v := overrides[key]
		switch {
		case v.IsUnknown():
			resp.Diagnostics.Append(notKnownYet(attr.AtMapKey(key)))
		case key != "image":
			resp.Diagnostics.Append(overrideIgnored(attr.AtMapKey(key)))
		case explicit[glanceclient.AttrImageEndpoint] == "":
			explicit[glanceclient.AttrImageEndpoint] = v.ValueString()
		case glanceclient.UnversionedEndpoint(explicit[glanceclient.AttrImageEndpoint]) !=
			glanceclient.UnversionedEndpoint(v.ValueString()):
			resp.Diagnostics.Append(conflictingImageEndpoints(attr.AtMapKey(key), v.ValueString(),
				explicit[glanceclient.AttrImageEndpoint]))
		}
	}
}

func addConfigError(resp *provider.ConfigureResponse, err error) {
	resp.Diagnostics.Append(configError(err))
}

// Default operation timeouts, which each resource's and data source's timeouts block
// overrides. Retries stop at the operation's deadline.
const (
	defaultWriteTimeout = 10 * time.Minute
	defaultReadTimeout  = 5 * time.Minute
)

// clientSource is what Configure hands the resources and data sources: the provider's client,
// logged in at Configure, or with delayed_auth at its first use (once: every later use shares
// the client or the error).
type clientSource struct {
	once   sync.Once
	login  func(ctx context.Context) (*glanceclient.Client, error)
	client *glanceclient.Client
	err    error
	// failedCreatesLost: this Terraform cannot keep what a failed create returns (the zero
	// value keeps it, tainted, as Terraform does outside 1.16).
	failedCreatesLost bool
}

// keepsFailedCreatesIn says whether the Terraform of this run can record the object a failed
// create returns, marked tainted. Terraform 1.16 cannot: it stores the object with no status,
// then cannot write any state of the run and panics, so even the creates that succeeded are
// lost from state (every 1.16 release up to 1.16.3 does this; the fix is in Terraform's main
// branch, in no release yet, so every 1.16 counts). On it a failed create returns no object,
// and the next apply adopts what the create made. OpenTofu reports its own version, below 1.16.
func keepsFailedCreatesIn(terraformVersion string) bool {
	return !strings.HasPrefix(terraformVersion, "1.16.")
}

// keepsFailedCreates: see keepsFailedCreatesIn. A resource with no client source
// (not configured) never reaches a create.
func (c *configuredClient) keepsFailedCreates() bool {
	return c.source == nil || !c.source.failedCreatesLost
}

// loggedIn is the source of a client logged in already.
func loggedIn(client *glanceclient.Client) *clientSource {
	s := &clientSource{client: client}
	s.once.Do(func() {})
	return s
}

// get is the client, logging in first if that has not been done yet. Every later caller
// shares the login's outcome, so it is bounded by the read default, not by the first caller's
// cancellation or deadline.
func (s *clientSource) get(ctx context.Context) (*glanceclient.Client, error) {
	s.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), defaultReadTimeout)
		defer cancel()
		s.client, s.err = s.login(ctx)
	})
	return s.client, s.err
}

// configuredClient is embedded by every resource and data source: it takes the provider's
// client source in Configure, and its begin is every CRUD method's preamble.
type configuredClient struct {
	source *clientSource
}

func (c *configuredClient) Configure(
	_ context.Context,
	req resource.ConfigureRequest,
	resp *resource.ConfigureResponse,
) {
	resp.Diagnostics.Append(c.take(req.ProviderData)...)
}

// take keeps the provider's client; nil (the provider is not configured yet, as in
// validation) waits for a later Configure, anything else is a bug worth saying.
func (c *configuredClient) take(data any) diag.Diagnostics {
	if data == nil {
		return nil
	}
	source, ok := data.(*clientSource)
	if !ok {
		return diag.Diagnostics{unexpectedProviderData(data)}
	}
	c.source = source
	return nil
}

// root is the provider's client, in the provider's region; nil after adding a diagnostic
// (the provider not configured, or with delayed_auth, the login failed).
func (c *configuredClient) root(
	ctx context.Context,
	imageID, memberID string,
	diags *diag.Diagnostics,
) *glanceclient.Client {
	if c.source == nil {
		diags.Append(unconfiguredClient(imageID, memberID))
		return nil
	}
	client, err := c.source.get(ctx)
	if err != nil {
		diags.Append(delayedLoginFailed(imageID, memberID, err))
		return nil
	}
	return client
}

// configuredDataSource is configuredClient for data sources, whose Configure differs.
type configuredDataSource struct {
	configuredClient
}

func (c *configuredDataSource) Configure(
	_ context.Context,
	req datasource.ConfigureRequest,
	resp *datasource.ConfigureResponse,
) {
	resp.Diagnostics.Append(c.take(req.ProviderData)...)
}

// model is what every resource and data source model tells begin: the image and member it
// is about ("" when none), for the diagnostics; how long an operation may take, from its
// timeouts block; and its region ("" for the provider's).
type model interface {
	target() (imageID, memberID string)
	timeout(ctx context.Context, op crudOp) (time.Duration, diag.Diagnostics)
	regionName() string
}

// crudTimeout is a resource's timeout for op: its timeouts block's, or the default.
func crudTimeout(ctx context.Context, t timeouts.Value, op crudOp) (time.Duration, diag.Diagnostics) {
	switch op {
	case crudCreate:
		return t.Create(ctx, defaultWriteTimeout)
	case crudUpdate:
		return t.Update(ctx, defaultWriteTimeout)
	case crudDelete:
		return t.Delete(ctx, defaultWriteTimeout)
	}
	return t.Read(ctx, defaultReadTimeout)
}

// crudOp names the operation whose timeout bounds a CRUD method.
type crudOp int

const (
	crudCreate crudOp = iota
	crudRead
	crudUpdate
	crudDelete
)

// String is the operation's entry in a timeouts block, for advice on a deadline.
func (op crudOp) String() string {
	return [...]string{crudCreate: "create", crudRead: "read", crudUpdate: "update", crudDelete: "delete"}[op]
}

// begin is every CRUD method's preamble, once the method has read m from its plan, state
// or config: check that the provider has a client, take the client of m's region, and bound
// ctx by the operation's timeout. It returns no client when diags has an error (from reading
// m, or its own), and the method must return; cancel is never nil.
func (c *configuredClient) begin(
	ctx context.Context,
	m model,
	op crudOp,
	diags *diag.Diagnostics,
) (_ context.Context, cancel context.CancelFunc, client *glanceclient.Client) {
	if diags.HasError() {
		return ctx, func() {}, nil
	}
	imageID, memberID := m.target()
	root := c.root(ctx, imageID, memberID, diags)
	if root == nil {
		return ctx, func() {}, nil
	}
	client, err := root.ForRegion(m.regionName())
	if err != nil {
		diags.Append(regionError(imageID, memberID, m.regionName(), err))
		return ctx, func() {}, nil
	}
	d, ds := m.timeout(ctx, op)
	diags.Append(ds...)
	if diags.HasError() {
		return ctx, func() {}, nil
	}
	ctx, cancel = context.WithTimeout(ctx, d)
	return ctx, cancel, client
}

// beginList is begin for a list resource: it reads the list block's config into m and takes
// the client; without one, the stream carries the diagnostics, and List must return.
func (c *configuredClient) beginList(
	ctx context.Context,
	req list.ListRequest,
	m model,
	stream *list.ListResultsStream,
) (_ context.Context, cancel context.CancelFunc, client *glanceclient.Client) {
	diags := req.Config.Get(ctx, m)
	ctx, cancel, client = c.begin(ctx, m, crudRead, &diags)
	if client == nil {
		cancel()
		stream.Results = list.ListResultsStreamDiagnostics(diags)
	}
	return ctx, cancel, client
}

// listRegionAttribute is the region of a list block's config.
func listRegionAttribute() listschema.StringAttribute {
	return listschema.StringAttribute{
		Optional:            true,
		MarkdownDescription: "Region of the image service, one of the catalog's. Default: the provider's `region`.",
	}
}

// regionAttribute is every resource's region: the provider's when the resource is created
// without one; after that the region the membership lives in (planRegion).
func regionAttribute() rschema.StringAttribute {
	return rschema.StringAttribute{
		Optional: true, Computed: true,
		MarkdownDescription: "Region of the image service, one of the catalog's. Default: the provider's `region` when the " +
			"resource is created; " +
			"after that, the region recorded in state, even when the provider's region changes (the plan warns). " +
			"Setting it to another region than the state's replaces the resource: removed in the old region, added in the new " +
			"one.",
		PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplaceIfConfigured()},
	}
}

// timeoutsBlock is every resource's timeouts block (create, read, update, delete), each
// longer than zero: a timeout of 0s or less would fail every request at once.
func timeoutsBlock(ctx context.Context) rschema.Block {
	block, _ := timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}).(rschema.
		SingleNestedBlock)
	for name, a := range block.Attributes {
		if s, ok := a.(rschema.StringAttribute); ok {
			s.Validators = append(s.Validators, positiveDuration{})
			block.Attributes[name] = s
		}
	}
	return block
}

// dataTimeoutsBlock is every data source's timeouts block (read), longer than zero.
func dataTimeoutsBlock(ctx context.Context) dschema.Block {
	block, _ := dstimeouts.Block(ctx).(dschema.SingleNestedBlock)
	for name, a := range block.Attributes {
		if s, ok := a.(dschema.StringAttribute); ok {
			s.Validators = append(s.Validators, positiveDuration{})
			block.Attributes[name] = s
		}
	}
	return block
}

// computedString is a data source's read-only text attribute.
func computedString(desc string) dschema.StringAttribute {
	return dschema.StringAttribute{Computed: true, MarkdownDescription: desc}
}

// dataTimeoutsNote ends every data source's description.
const dataTimeoutsNote = "\n\nThe read is bounded by the `timeouts` block's `read`, 5 minutes by default, retries " +
	"included."

// dataModel is what every data source's model has: its timeouts block and its region.
type dataModel struct {
	Timeouts dstimeouts.Value `tfsdk:"timeouts"`
	Region   types.String     `tfsdk:"region"`
}

func (m *dataModel) timeout(ctx context.Context, _ crudOp) (time.Duration, diag.Diagnostics) {
	return m.Timeouts.Read(ctx, defaultReadTimeout)
}

func (m *dataModel) regionName() string { return m.Region.ValueString() }

// dataRegionAttribute is every data source's region.
func dataRegionAttribute() dschema.StringAttribute {
	return dschema.StringAttribute{
		Optional: true, Computed: true,
		MarkdownDescription: "Region of the image service to read, one of the catalog's. Default: the provider's `region`.",
	}
}

// planTarget is the image and member a resource's plan is about, for diagnostics: "" for one
// not known yet or not in the resource's schema.
func planTarget(ctx context.Context, plan tfsdk.Plan) (imageID, memberID string) {
	for attr, v := range map[string]*string{"image_id": &imageID, "member_id": &memberID} {
		if _, ok := plan.Schema.GetAttributes()[attr]; ok {
			var value types.String
			if !plan.GetAttribute(ctx, path.Root(attr), &value).HasError() {
				*v = value.ValueString()
			}
		}
	}
	return imageID, memberID
}

// speaks is the Image API version client's service speaks, for a plan-time check of what one
// version lacks: known from an earlier answer of this run (a refresh), or else detected (one
// request per endpoint and process). "" when it cannot tell, which it reports.
func speaks(
	ctx context.Context,
	client *glanceclient.Client,
	imageID, memberID string,
	diags *diag.Diagnostics,
) string {
	api, err := client.Version(ctx)
	if err != nil {
		diags.Append(detectionFailed(imageID, memberID, err))
	}
	return api
}

// planRegion is every resource's ModifyPlan for region, settled at plan time (an unknown
// region fails the plan, naming the catalog's). A resource lives in its region: without region
// in the configuration it stays in the one its state records, whatever the provider's region
// is now (with a warning when they differ); a configured region that differs from the state's
// replaces it (with a warning that the member's answer is reset). It returns the region's
// client, nil when there is none yet (destroy, an unknown value, no provider client, an error).
func (c *configuredClient) planRegion(
	ctx context.Context,
	req resource.ModifyPlanRequest,
	resp *resource.ModifyPlanResponse,
) *glanceclient.Client {
	if req.Plan.Raw.IsNull() || c.source == nil {
		return nil
	}
	var configured, state types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("region"), &configured)...)
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("region"), &state)...)
	}
	if resp.Diagnostics.HasError() || configured.IsUnknown() {
		return nil
	}
	region, kept := configured.ValueString(), configured.IsNull() && !state.IsNull()
	if kept {
		region = state.ValueString()
	}
	imageID, memberID := planTarget(ctx, req.Plan)
	root := c.root(ctx, imageID, memberID, &resp.Diagnostics)
	if root == nil {
		return nil
	}
	client, err := root.ForRegion(region)
	if err != nil {
		resp.Diagnostics.Append(regionError(imageID, memberID, region, err))
		return nil
	}
	planned := optionalString(client.Region)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("region"), planned)...)
	switch {
	case kept && root.Region != "" && client.Region != root.Region:
		resp.Diagnostics.Append(regionKept(imageID, memberID, client.Region, root.Region))
	case !kept && !state.IsNull() && !state.Equal(planned):
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("region"))
		resp.Diagnostics.Append(regionMoved(imageID, memberID, state.ValueString(), client.Region))
	}
	return client
}

func (p *glanceProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewImageMemberResource,
		NewImageMemberAcceptanceResource,
		NewImageMembersResource,
	}
}

// ListResources find what exists, for terraform query (Terraform 1.14+).
func (p *glanceProvider) ListResources(_ context.Context) []func() list.ListResource {
	return []func() list.ListResource{NewImageMemberList, NewImageMembersList, NewImageMemberAcceptanceList}
}

func (p *glanceProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewImageDataSource,
		NewImageMembersDataSource,
		NewSharedImagesDataSource,
	}
}
