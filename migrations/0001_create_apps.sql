CREATE TABLE `apps` (
	`id` text PRIMARY KEY NOT NULL,
	`organisation_id` text NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`sse_enabled` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`deleted_at` integer,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `apps_organisation` ON `apps` (`organisation_id`,`deleted_at`);--> statement-breakpoint
CREATE TABLE `environment_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`environment_id` text NOT NULL,
	`organisation_id` text NOT NULL,
	`member_id` text,
	`service_account_id` text,
	`identity_key` text NOT NULL,
	`wrapped_seed` text NOT NULL,
	`wrapped_salt` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`deleted_at` integer,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`service_account_id`) REFERENCES `service_accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `environment_keys_member` ON `environment_keys` (`environment_id`,`member_id`) WHERE "environment_keys"."member_id" IS NOT NULL AND "environment_keys"."deleted_at" IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `environment_keys_service_account` ON `environment_keys` (`environment_id`,`service_account_id`) WHERE "environment_keys"."service_account_id" IS NOT NULL AND "environment_keys"."deleted_at" IS NULL;--> statement-breakpoint
CREATE INDEX `environment_keys_service_account_live` ON `environment_keys` (`service_account_id`,`deleted_at`);--> statement-breakpoint
CREATE INDEX `environment_keys_member_live` ON `environment_keys` (`member_id`,`deleted_at`);--> statement-breakpoint
CREATE TABLE `environments` (
	`id` text PRIMARY KEY NOT NULL,
	`app_id` text NOT NULL,
	`organisation_id` text NOT NULL,
	`name` text NOT NULL,
	`name_key` text NOT NULL,
	`env_type` text NOT NULL,
	`position` integer NOT NULL,
	`identity_key` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`deleted_at` integer,
	FOREIGN KEY (`app_id`) REFERENCES `apps`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `environments_app_name` ON `environments` (`app_id`,`name_key`) WHERE "environments"."deleted_at" IS NULL;--> statement-breakpoint
CREATE TABLE `secrets` (
	`id` text PRIMARY KEY NOT NULL,
	`environment_id` text NOT NULL,
	`organisation_id` text NOT NULL,
	`path` text NOT NULL,
	`key` text NOT NULL,
	`key_digest` text NOT NULL,
	`value` text NOT NULL,
	`comment` text NOT NULL,
	`tags` text DEFAULT '[]' NOT NULL,
	`type` text DEFAULT 'secret' NOT NULL,
	`version` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`deleted_at` integer,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `secrets_environment_path_digest` ON `secrets` (`environment_id`,`path`,`key_digest`) WHERE "secrets"."deleted_at" IS NULL;--> statement-breakpoint
CREATE INDEX `secrets_environment_live` ON `secrets` (`environment_id`,`deleted_at`);--> statement-breakpoint
CREATE TABLE `server_environment_keys` (
	`environment_id` text PRIMARY KEY NOT NULL,
	`organisation_id` text NOT NULL,
	`seed_envelope` text NOT NULL,
	`salt_envelope` text NOT NULL,
	`key_version` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `server_environment_keys_version` ON `server_environment_keys` (`key_version`);