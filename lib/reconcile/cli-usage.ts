/** Usage of the `reconcile` command, as `--help` prints it. */
export const RECONCILE_USAGE = `Usage: vpn-monitor-provisioner reconcile [options]

Lists every VPN connection and every connection monitor of each target and queues a
"VPN connection created" message for each ACTIVE or DOWN connection without a monitor, so
createMonitor creates it and publishes its event. PENDING_* connections are counted and left
for the next run; monitors whose connection is gone are reported, and deleted only with
--delete-orphans.

What
  --target P:R        project_id:region to reconcile; repeatable (default: $RECONCILE_TARGETS,
                      else $HUAWEICLOUD_PROJECT_ID:$HUAWEICLOUD_REGION; with an accounts
                      document: every project of every account)
  --account NAME      only the projects of this account of the accounts document
  --dry-run           list and plan only: queue nothing, delete nothing
  --delete-orphans    delete monitors whose VPN connection no longer exists
  --page-size N       connections per page, 1-2000 (default 200, Huawei's usual maximum)
Where
  --queue URL         the source queue (default: $SOURCE_QUEUE_URL); a dry run needs none
  --huawei-endpoint URL
                      Huawei VPN API endpoint (default: $HUAWEICLOUD_VPN_ENDPOINT, else
                      https://vpn.{region}.myhuaweicloud.com); http:// only on loopback
  --region REGION     AWS region of the queue (default: the AWS SDK's)
  --endpoint URL      SQS endpoint, for an emulator (default: AWS_ENDPOINT_URL_SQS); on a
                      loopback address, dummy credentials are used
Output
  --json              print the summary as JSON (with the plan) instead of text
  -h, --help          show this help

Huawei credentials come from the accounts document (ACCOUNTS_DOCUMENT_PARAMETER,
ACCOUNTS_DOCUMENT_SECRET_ID or inline ACCOUNTS_DOCUMENT), else from HUAWEICLOUD_SDK_AK and
HUAWEICLOUD_SDK_SK (or a Secrets Manager secret named by HUAWEICLOUD_CREDENTIALS_SECRET_ID). Progress goes to stderr, the plan (dry run)
and the summary to stdout. Exit status: 0 done; 1 a target did not complete; 2 bad options.

Examples
  vpn-monitor-provisioner reconcile --dry-run
  vpn-monitor-provisioner reconcile --dry-run --account logistics
  vpn-monitor-provisioner reconcile --target 0b2f8e8a3c5d4e6f8a9b0c1d2e3f4a5b:cn-north-4
  vpn-monitor-provisioner reconcile --delete-orphans --json
`;
