import type {Zone} from '../config/constants.js'

export interface RegionEndpoint {
  /** cloud-region, e.g. aws-eu-central-1 */
  id: string
  cloud: 'aws' | 'azure' | 'gcp' | 'alibaba'
  region: string
  zone: Zone
  /** A regional HTTPS endpoint of the cloud (TCP 443 answers; ICMP often does not). */
  host: string
}

const aws = (region: string, zone: Zone): RegionEndpoint => ({id: `aws-${region}`, cloud: 'aws', region, zone, host: `dynamodb.${region}.amazonaws.com`})
const azure = (region: string, zone: Zone): RegionEndpoint => ({id: `azure-${region}`, cloud: 'azure', region, zone, host: `${region}.api.cognitive.microsoft.com`})
const gcp = (region: string, zone: Zone): RegionEndpoint => ({id: `gcp-${region}`, cloud: 'gcp', region, zone, host: `${region}-aiplatform.googleapis.com`})
const alibaba = (region: string, zone: Zone): RegionEndpoint => ({id: `alibaba-${region}`, cloud: 'alibaba', region, zone, host: `oss-${region}.aliyuncs.com`})

/**
 * Regions of the four clouds the source material names, grouped into its three economic zones;
 * two to three per cloud and zone, where the trading routes are.
 */
export const REGIONS: readonly RegionEndpoint[] = [
  aws('us-east-1', 'americas'), aws('us-west-2', 'americas'), aws('sa-east-1', 'americas'),
  aws('eu-central-1', 'europe'), aws('eu-west-1', 'europe'), aws('me-central-1', 'europe'),
  aws('ap-southeast-1', 'apac'), aws('ap-northeast-1', 'apac'), aws('ap-south-1', 'apac'),
  azure('eastus', 'americas'), azure('westus2', 'americas'), azure('brazilsouth', 'americas'),
  azure('westeurope', 'europe'), azure('germanywestcentral', 'europe'), azure('uaenorth', 'europe'),
  azure('southeastasia', 'apac'), azure('japaneast', 'apac'), azure('centralindia', 'apac'),
  gcp('us-central1', 'americas'), gcp('us-east4', 'americas'), gcp('southamerica-east1', 'americas'),
  gcp('europe-west1', 'europe'), gcp('europe-west3', 'europe'), gcp('me-central1', 'europe'),
  gcp('asia-southeast1', 'apac'), gcp('asia-northeast1', 'apac'), gcp('asia-south1', 'apac'),
  alibaba('us-east-1', 'americas'), alibaba('us-west-1', 'americas'),
  alibaba('eu-central-1', 'europe'), alibaba('eu-west-1', 'europe'), alibaba('me-east-1', 'europe'),
  alibaba('ap-southeast-1', 'apac'), alibaba('cn-hongkong', 'apac'), alibaba('cn-hangzhou', 'apac'),
]
