/**
 * Role policies: the resources and actions a role grants, at organisation level (`permissions`)
 * and app level (`app_permissions`), plus `global_access`. The five managed roles are defined
 * here in code, not stored, so every organisation's managed roles change together when this file
 * does (phase-reference.md §4.1). A resource absent from a map grants nothing.
 */

export const ACTIONS = ['create', 'read', 'update', 'delete'] as const;
export type Action = (typeof ACTIONS)[number];

/** Organisation-level resources, each with the actions a policy may grant on it. */
export const ORG_RESOURCES = {
  Organisation: ACTIONS,
  Billing: ACTIONS,
  Apps: ACTIONS,
  Members: ACTIONS,
  MemberPersonalAccessTokens: ACTIONS,
  ServiceAccounts: ACTIONS,
  ServiceAccountTokens: ACTIONS,
  ExternalIdentities: ACTIONS,
  Roles: ACTIONS,
  IntegrationCredentials: ACTIONS,
  NetworkAccessPolicies: ACTIONS,
  Logs: ['read'],
  SSO: ACTIONS,
  Teams: ACTIONS,
  SCIM: ACTIONS,
  LogStreams: ACTIONS,
} as const satisfies Record<string, readonly Action[]>;

/** App-level resources, evaluated in the context of one app. */
export const APP_RESOURCES = {
  Environments: ACTIONS,
  Secrets: ACTIONS,
  DynamicSecretLeases: ACTIONS,
  RotatingSecrets: ACTIONS,
  Lockbox: ACTIONS,
  Logs: ACTIONS,
  Tokens: ACTIONS,
  Members: ACTIONS,
  ServiceAccounts: ACTIONS,
  Integrations: ACTIONS,
  EncryptionMode: ['read', 'update'],
  Teams: ACTIONS,
} as const satisfies Record<string, readonly Action[]>;

export type OrgResource = keyof typeof ORG_RESOURCES;
export type AppResource = keyof typeof APP_RESOURCES;

/** A role's grants, as stored for custom roles and defined below for managed ones. */
export interface Policy {
  permissions: Record<string, Action[]>;
  app_permissions: Record<string, Action[]>;
  global_access?: boolean;
}

export const MANAGED_ROLE_NAMES = ['Owner', 'Admin', 'Manager', 'Developer', 'Service'] as const;
export type ManagedRoleName = (typeof MANAGED_ROLE_NAMES)[number];

// Compact spelling of the matrix: letters of C, R, U, D in the order the actions are listed.
const LETTER: Record<string, Action> = { C: 'create', R: 'read', U: 'update', D: 'delete' };
const grant = (letters: string): Action[] => [...letters].map((l) => LETTER[l] as Action);

function orgMap(spec: Record<string, string>): Record<string, Action[]> {
  return Object.fromEntries(Object.entries(spec).map(([res, letters]) => [res, grant(letters)]));
}

// biome-ignore format: the matrix reads best as the table it transcribes
const OWNER_ORG = orgMap({
  Organisation: 'CRUD', Billing: 'CRUD', Apps: 'CRUD', Members: 'CRUD',
  MemberPersonalAccessTokens: 'CRUD', ServiceAccounts: 'CRUD', ServiceAccountTokens: 'CRUD',
  ExternalIdentities: 'CRUD', Roles: 'CRUD', IntegrationCredentials: 'CRUD',
  NetworkAccessPolicies: 'CRUD', Logs: 'R', SSO: 'CRUD', Teams: 'CRUD', SCIM: 'CRUD',
  LogStreams: 'CRUD',
});

// biome-ignore format: the matrix reads best as the table it transcribes
const FULL_APP = orgMap({
  Environments: 'CRUD', Secrets: 'CRUD', DynamicSecretLeases: 'CRUD', RotatingSecrets: 'CRUD',
  Lockbox: 'CRUD', Logs: 'CRUD', Tokens: 'CRUD', Members: 'CRUD', ServiceAccounts: 'CRUD',
  Integrations: 'CRUD', EncryptionMode: 'RU', Teams: 'CRUD',
});

/** The managed roles' policies (phase-rest.md §7.7). `''` means the key is present but empty. */
// biome-ignore format: the matrix reads best as the table it transcribes
export const MANAGED_POLICIES: Record<ManagedRoleName, Required<Policy>> = {
  Owner: { permissions: OWNER_ORG, app_permissions: FULL_APP, global_access: true },
  Admin: {
    permissions: { ...OWNER_ORG, Organisation: grant('RU') },
    app_permissions: FULL_APP,
    global_access: true,
  },
  Manager: {
    permissions: orgMap({
      Organisation: 'R', Billing: 'CRUD', Apps: 'CRUD', Members: 'CRUD', ServiceAccounts: 'CRUD',
      ServiceAccountTokens: 'CRUD', ExternalIdentities: 'CRUD', Roles: 'CRUD',
      IntegrationCredentials: 'CRUD', NetworkAccessPolicies: 'CRUD', Logs: 'R', SSO: '',
      Teams: 'CRUD', SCIM: '', LogStreams: '',
    }),
    app_permissions: { ...FULL_APP, Environments: grant('CRU') },
    global_access: false,
  },
  Developer: {
    permissions: orgMap({
      Organisation: '', Billing: '', Apps: 'R', Members: 'R', ServiceAccounts: '',
      ServiceAccountTokens: '', ExternalIdentities: '', Roles: 'R', IntegrationCredentials: 'CRU',
      NetworkAccessPolicies: 'R', Logs: 'R', SSO: '', Teams: 'R', SCIM: '', LogStreams: '',
    }),
    app_permissions: orgMap({
      Environments: 'CRU', Secrets: 'CRUD', DynamicSecretLeases: 'CR', RotatingSecrets: 'R',
      Lockbox: 'CRUD', Logs: 'R', Tokens: 'CR', Members: 'R', ServiceAccounts: 'C',
      Integrations: 'CRUD', EncryptionMode: 'RU', Teams: 'R',
    }),
    global_access: false,
  },
  Service: {
    permissions: orgMap({
      Organisation: '', Billing: '', Apps: 'CRU', Members: 'R', ServiceAccounts: 'R',
      ServiceAccountTokens: 'R', ExternalIdentities: 'R', Roles: 'R', IntegrationCredentials: 'R',
      NetworkAccessPolicies: 'R', Logs: '', SSO: '', Teams: '', SCIM: '', LogStreams: '',
    }),
    app_permissions: orgMap({
      Environments: 'CRUD', Secrets: 'CRUD', DynamicSecretLeases: 'CR', RotatingSecrets: 'R',
      Lockbox: '', Logs: '', Tokens: '', Members: 'R', ServiceAccounts: 'R', Integrations: 'R',
      EncryptionMode: 'R', Teams: 'R',
    }),
    global_access: false,
  },
};

/** Built-in descriptions, shown for managed roles. */
export const MANAGED_DESCRIPTIONS: Record<ManagedRoleName, string> = {
  Owner: 'Full access to the organisation, including billing and ownership.',
  Admin: 'Full access to the organisation except transferring ownership.',
  Manager: 'Manages apps, members, service accounts and policies, without global access.',
  Developer: 'Works with secrets in the apps and environments they are given.',
  Service: 'The default for service accounts: full access to secrets in granted apps.',
};
