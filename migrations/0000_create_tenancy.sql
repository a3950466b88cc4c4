CREATE TABLE `audit_events` (
	`id` text PRIMARY KEY NOT NULL,
	`organisation_id` text NOT NULL,
	`event_type` text NOT NULL,
	`resource_type` text NOT NULL,
	`resource_id` text NOT NULL,
	`actor_type` text NOT NULL,
	`actor_id` text,
	`actor_token_id` text,
	`ip_address` text,
	`user_agent` text,
	`old_values` text,
	`new_values` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_events_organisation_time` ON `audit_events` (`organisation_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `members` (
	`id` text PRIMARY KEY NOT NULL,
	`organisation_id` text NOT NULL,
	`role_id` text,
	`email` text NOT NULL,
	`username` text NOT NULL,
	`full_name` text,
	`identity_key` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`deleted_at` integer,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`role_id`) REFERENCES `roles`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `members_organisation_email_active` ON `members` (`organisation_id`,`email`) WHERE "members"."deleted_at" IS NULL;--> statement-breakpoint
CREATE INDEX `members_role` ON `members` (`role_id`);--> statement-breakpoint
CREATE TABLE `organisations` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `roles` (
	`id` text PRIMARY KEY NOT NULL,
	`organisation_id` text NOT NULL,
	`name` text NOT NULL,
	`name_key` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`color` text DEFAULT '' NOT NULL,
	`is_default` integer NOT NULL,
	`permissions` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `roles_organisation_name_key` ON `roles` (`organisation_id`,`name_key`);--> statement-breakpoint
CREATE TABLE `service_account_handlers` (
	`id` text PRIMARY KEY NOT NULL,
	`service_account_id` text NOT NULL,
	`member_id` text NOT NULL,
	`wrapped_keyring` text NOT NULL,
	`wrapped_recovery` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`service_account_id`) REFERENCES `service_accounts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `service_account_handlers_pair` ON `service_account_handlers` (`service_account_id`,`member_id`);--> statement-breakpoint
CREATE INDEX `service_account_handlers_member` ON `service_account_handlers` (`member_id`);--> statement-breakpoint
CREATE TABLE `service_account_keyrings` (
	`service_account_id` text PRIMARY KEY NOT NULL,
	`organisation_id` text NOT NULL,
	`envelope` text NOT NULL,
	`key_version` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`service_account_id`) REFERENCES `service_accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `service_account_keyrings_version` ON `service_account_keyrings` (`key_version`);--> statement-breakpoint
CREATE TABLE `service_accounts` (
	`id` text PRIMARY KEY NOT NULL,
	`organisation_id` text NOT NULL,
	`name` text NOT NULL,
	`role_id` text,
	`identity_key` text NOT NULL,
	`created_by_member_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`deleted_at` integer,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`role_id`) REFERENCES `roles`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `service_accounts_organisation` ON `service_accounts` (`organisation_id`,`deleted_at`);--> statement-breakpoint
CREATE INDEX `service_accounts_role` ON `service_accounts` (`role_id`);--> statement-breakpoint
CREATE TABLE `tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`organisation_id` text NOT NULL,
	`kind` text NOT NULL,
	`member_id` text,
	`service_account_id` text,
	`name` text NOT NULL,
	`bearer_digest` text NOT NULL,
	`kx_public_key` text NOT NULL,
	`wrapped_key_share` text NOT NULL,
	`created_by_member_id` text,
	`created_by_service_account_id` text,
	`created_at` integer NOT NULL,
	`expires_at` integer,
	`last_used_at` integer,
	`deleted_at` integer,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`service_account_id`) REFERENCES `service_accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tokens_bearer_digest` ON `tokens` (`bearer_digest`);--> statement-breakpoint
CREATE INDEX `tokens_member` ON `tokens` (`member_id`);--> statement-breakpoint
CREATE INDEX `tokens_service_account` ON `tokens` (`service_account_id`);