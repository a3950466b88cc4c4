CREATE TABLE `network_access_policies` (
	`id` text PRIMARY KEY NOT NULL,
	`organisation_id` text NOT NULL,
	`name` text NOT NULL,
	`allowed_ips` text NOT NULL,
	`is_global` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `network_access_policies_global` ON `network_access_policies` (`organisation_id`,`is_global`);--> statement-breakpoint
CREATE TABLE `network_policy_attachments` (
	`id` text PRIMARY KEY NOT NULL,
	`policy_id` text NOT NULL,
	`member_id` text,
	`service_account_id` text,
	FOREIGN KEY (`policy_id`) REFERENCES `network_access_policies`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`service_account_id`) REFERENCES `service_accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `network_policy_attachments_member` ON `network_policy_attachments` (`policy_id`,`member_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `network_policy_attachments_service_account` ON `network_policy_attachments` (`policy_id`,`service_account_id`);--> statement-breakpoint
CREATE INDEX `network_policy_attachments_by_member` ON `network_policy_attachments` (`member_id`);--> statement-breakpoint
CREATE INDEX `network_policy_attachments_by_service_account` ON `network_policy_attachments` (`service_account_id`);