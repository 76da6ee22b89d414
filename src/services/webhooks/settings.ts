/** How this process sends webhooks: `ctx.webhooks`, built from the configuration (src/server/service-context.ts). */
export interface WebhookSettings {
  /** `host:port` keys the address guard lets through (EMBARGO_WEBHOOK_ALLOW_HOSTS). */
  allowHosts: string[];
  /** One POST, connection to last byte (EMBARGO_WEBHOOK_TIMEOUT_SECONDS). */
  timeoutMs: number;
}
