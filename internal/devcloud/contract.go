package devcloud

import "strings"

// The local cloud's contract: what devcloudctl writes to .devcloud/env and clouds.yaml, and
// what the acceptance tests read through acctest.Env. devcloud.sh and demo.sh use the same
// names from the shell.
const (
	// EnvCloudsFile is clouds.yaml's path, where gophercloud and the provider look for it.
	EnvCloudsFile = "OS_CLIENT_CONFIG_FILE"
	// EnvAuthURL is Keystone's v3 URL.
	EnvAuthURL = "GLANCE_DEVCLOUD_AUTH_URL"
	// EnvImageURL is Glance's base URL (region RegionOne).
	EnvImageURL = "GLANCE_DEVCLOUD_IMAGE_URL"
	// EnvImage2URL is the base URL of the second Glance (region RegionTwo).
	EnvImage2URL = "GLANCE_DEVCLOUD_IMAGE2_URL"
	// EnvSharedImageID and EnvPrivateImageID are the producer's demo images.
	EnvSharedImageID  = "GLANCE_DEVCLOUD_SHARED_IMAGE_ID"
	EnvPrivateImageID = "GLANCE_DEVCLOUD_PRIVATE_IMAGE_ID"
	// EnvMemberQuota is Glance's image_member_quota.
	EnvMemberQuota = "GLANCE_DEVCLOUD_MEMBER_QUOTA"
	// EnvShortTokenSeconds is the token lifetime of the second Keystone (cloud ProducerShortToken).
	EnvShortTokenSeconds = "GLANCE_DEVCLOUD_SHORT_TOKEN_SECONDS"
	// EnvAppCredSecret is the secret of the producer's application credential.
	EnvAppCredSecret = "GLANCE_DEVCLOUD_APPCRED_SECRET"
	// EnvDir is the local cloud's directory (DEVCLOUD_DIR): its configuration and logs.
	EnvDir = "GLANCE_DEVCLOUD_DIR"
)

// EnvProjectID is the variable that holds the ID of a project of the local cloud.
func EnvProjectID(project string) string {
	return "GLANCE_DEVCLOUD_" + strings.ToUpper(project) + "_PROJECT_ID"
}

// The catalog's regions: each has its own Glance, database and images.
const (
	RegionOne = "RegionOne"
	RegionTwo = "RegionTwo"
)

// Projects with a user of the same name holding member and reader on it, and the clouds of
// clouds.yaml that log in as them.
const (
	Producer  = "producer"
	Consumer  = "consumer"
	Consumer2 = "consumer2"
)

// Tenants are the projects above, in the order they are made.
var Tenants = []string{Producer, Consumer, Consumer2}

// Readers: users with only the reader role, on the producer's and the consumer's projects,
// each with the cloud of its name, for the tests of what each role may do.
const (
	ProducerReader = "producer-reader"
	ConsumerReader = "consumer-reader"
)

// The other clouds of clouds.yaml.
const (
	Admin = "admin"
	// ProducerShortToken is the producer through the second Keystone, whose tokens expire
	// within seconds: for the re-authentication test.
	ProducerShortToken = "producer-short-token"
	// ProducerAppCred is the producer's application credential.
	ProducerAppCred = "producer-appcred"
)

// GuideClouds are the cloud names the documentation's examples use, each another name for a
// cloud above, so that the tests run the guides' own files.
var GuideClouds = map[string]string{"platform": Producer, "tenant-a": Consumer, "tenant-b": Consumer2}

// Password is the throw-away password of a user of the local cloud.
func Password(user string) string { return "devcloud-" + user }
