import type { HuaweiCredentials } from '../../../lib/huawei/signer.ts';

/**
 * An agency in an account. A delegation agency trusts other accounts (`trustedDomains`: their
 * keys may assume it with STS `assume` or IAM `assume_role`); a trust agency for an OIDC provider
 * (`oidc`) admits tokens of that provider whose `sub` is listed, as a trust policy pinning
 * `oidc:sub` does.
 */
export interface SimulatorAgency {
  name: string;
  trustedDomains?: readonly string[];
  oidc?: { provider: string; subjects: readonly string[] };
  /** Longest session it grants; default 43200 s (12 h). */
  maxDurationSeconds?: number;
}

/**
 * An OIDC identity provider registered in an account, as IAM's `OpenIdConnectConfig` holds
 * one: the issuer (`idp_url`), its audiences (`client_id`) and its public keys (`signing_key`).
 */
export interface SimulatorOidcProvider {
  name: string;
  /** The issuer URL: tokens' `iss`. */
  issuer: string;
  /**
   * The issuer's public keys, a JWKS document as JSON (IAM's `signing_key`). Without it, they
   * are fetched through the issuer's discovery document.
   */
  signingKey?: string;
  /** Accepted audiences (`aud`). */
  clientIds: readonly string[];
}

/**
 * A Huawei account (`domain_id`): its projects (project id → region, the project's name), the
 * permanent keys of its IAM users, its agencies and its OIDC providers. Keys of an account, and
 * temporary credentials issued for it, reach only its projects.
 */
export interface SimulatorAccount {
  domainId: string;
  name: string;
  projects: Readonly<Record<string, string>>;
  keys?: readonly HuaweiCredentials[];
  agencies?: readonly SimulatorAgency[];
  oidcProviders?: readonly SimulatorOidcProvider[];
}

/** The simulator's identity side: accounts, and how it issues temporary credentials. */
export interface SimulatorIdentityOptions {
  accounts: readonly SimulatorAccount[];
}
