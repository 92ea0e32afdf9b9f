/* SPDX-License-Identifier: BSD-3-Clause */
#include "dp_types.h"

#include "dp_parse.h"

static const char *const signal_names[DP_SIG_COUNT] = {
    [DP_SIG_TLS_SNI] = "tls-sni",     [DP_SIG_QUIC_SNI] = "quic-sni",
    [DP_SIG_HTTP_HOST] = "http-host", [DP_SIG_DNS] = "dns",
    [DP_SIG_SERVER_IP] = "server-ip", [DP_SIG_LEARNED_IP] = "learned-ip",
    [DP_SIG_PAYLOAD] = "payload",
};

static const char *const outcome_names[DP_OUT_COUNT] = {
    [DP_OUT_VENDOR] = "vendor",
    [DP_OUT_OTHER_NAME] = "other_name",
    [DP_OUT_NO_NAME] = "no_name",
    [DP_OUT_APP_MALFORMED] = "app_malformed",
    [DP_OUT_APP_TRUNCATED] = "app_truncated",
    [DP_OUT_PARTIAL] = "partial",
    [DP_OUT_MATCHED] = "matched",
    [DP_OUT_BYPASSED] = "bypassed",
    [DP_OUT_OTHER_L4] = "other_l4",
    [DP_OUT_FRAGMENT] = "fragment",
    [DP_OUT_NOT_IP] = "not_ip",
    [DP_OUT_UNTRACKED] = "untracked",
};

static const char *const drop_names[DP_DROP_COUNT] = {
    [DP_DROP_L2_MALFORMED] = "l2_malformed", [DP_DROP_L3_MALFORMED] = "l3_malformed",
    [DP_DROP_L4_MALFORMED] = "l4_malformed", [DP_DROP_SCAN_ERROR] = "scan_error",
    [DP_DROP_OVERSIZE] = "oversize",
};

static const char *const layer_names[DP_LAYER_COUNT] = {
    [DP_LAYER_L2] = "l2",   [DP_LAYER_L3] = "l3",     [DP_LAYER_L4] = "l4",
    [DP_LAYER_TLS] = "tls", [DP_LAYER_QUIC] = "quic", [DP_LAYER_HTTP] = "http",
    [DP_LAYER_DNS] = "dns",
};

const char *
dp_signal_name(enum dp_signal s)
{
	return (unsigned)s < DP_SIG_COUNT ? signal_names[s] : "unknown";
}

const char *
dp_outcome_name(enum dp_outcome o)
{
	return (unsigned)o < DP_OUT_COUNT ? outcome_names[o] : "unknown";
}

const char *
dp_drop_name(enum dp_drop d)
{
	return (unsigned)d < DP_DROP_COUNT ? drop_names[d] : "unknown";
}

const char *
dp_layer_name(enum dp_layer l)
{
	return (unsigned)l < DP_LAYER_COUNT ? layer_names[l] : "unknown";
}

const char *
dp_unsupported_name(unsigned kind)
{
	static const char *const names[DP_UNSUP_COUNT] = {
	    [DP_UNSUP_NONE] = "none",
	    [DP_UNSUP_GRE_V1] = "gre_v1",
	    [DP_UNSUP_ESP] = "esp",
	    [DP_UNSUP_L2TPV3] = "l2tpv3",
	};

	return kind < DP_UNSUP_COUNT ? names[kind] : "unknown";
}
