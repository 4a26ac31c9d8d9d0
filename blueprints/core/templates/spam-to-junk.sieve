# Managed by mailops (blueprint core). The edges' rspamd marks spam with X-Spam: Yes (its
# add-header action); such mail is filed into Junk instead of the inbox.
require ["fileinto"];
if header :is "X-Spam" "Yes" {
  fileinto "Junk";
  stop;
}
