// Every entity of every schema, registered once. The data model of all three
// phases lives here (SQL in db/migrations, mapping in db/src/<schema>/).
import { Tenant } from './tenants/tenant.entity.ts';
import { ApiKey, Membership, Role, RolePermission, Session, User } from './tenants/identity.entity.ts';
import { Invitation } from './tenants/invitation.entity.ts';
import { Plan, PlanAiModel, PlanPrice, PlanText } from './tenants/plan.entity.ts';
import { CustomDomain, UiString, WhiteLabel, WhiteLabelText } from './tenants/white-label.entity.ts';
import { PromptLayer } from './tenants/prompt-layer.entity.ts';
import { BrandDnaSnapshot } from './tenants/brand-dna.entity.ts';
import { OnboardingSession, OnboardingSource } from './tenants/onboarding.entity.ts';
import { LearningBatch, LearningFact } from './tenants/learning.entity.ts';
import { AiCall, AiEngineStatus, AiModel, AiModelChoice, AiProvider, AiProviderSecret, AiRoute } from './tenants/ai.entity.ts';
import { Connector, ConnectorConnection, ConnectorSecret, OauthState, OauthToken } from './tenants/connector.entity.ts';
import { WebhookAttempt, WebhookDelivery, WebhookEndpoint } from './tenants/webhook.entity.ts';
import { AuditLog, GdprAudit, GdprRequest, RetentionRule } from './tenants/gdpr.entity.ts';
import { LegalAcceptance, LegalDocument } from './tenants/legal.entity.ts';
import { Channel } from './content/channel.entity.ts';
import { PipelineRun, PipelineStep } from './content/pipeline.entity.ts';
import { CalendarSlot, PostingTimeStat } from './content/calendar-slot.entity.ts';
import { ContentItem, ContentVersion } from './content/content-item.entity.ts';
import { Publication, PublicationAttempt } from './content/publication.entity.ts';
import { Approval, ApprovalComment, ApprovalLink, ApprovalReminder } from './content/approval.entity.ts';
import { GenerationJob } from './content/generation-job.entity.ts';
import { ContentMedia, Media, MediaTag } from './content/media.entity.ts';
import { Template } from './content/template.entity.ts';
import { Campaign, UtmLink } from './content/utm.entity.ts';
import { SeoScore, SeoWeight } from './content/seo.entity.ts';
import { Competitor, CompetitorAlert, CompetitorAlertEmail, CompetitorCapture, CompetitorSource } from './content/competitor.entity.ts';
import { MarketSignal, MarketWatch } from './content/market-watch.entity.ts';
import { EvergreenCandidate, EvergreenPolicy } from './content/evergreen.entity.ts';
import { Consent, Contact, ContactList, ContactListMember, UnsubscribeToken } from './content/contact.entity.ts';
import { EmailSequence, EmailSequenceEnrollment, EmailSequenceStep, MessageEvent, MessageSend } from './content/messaging.entity.ts';
import { Experiment, ExperimentAssignment, ExperimentVariant } from './content/experiment.entity.ts';
import { AnalyticsEvent, EventReceipt } from './analytics/event.entity.ts';
import { ConversionDaily, EventDaily } from './analytics/rollup.entity.ts';
import { IdentityLink, Touchpoint, VisitorSession } from './analytics/session.entity.ts';
import { AttributionCredit, AttributionRun, Conversion } from './analytics/conversion.entity.ts';
import { ForwardingAttempt, ForwardingDestination } from './analytics/forwarding.entity.ts';
import { BusinessMetric } from './analytics/business-metric.entity.ts';
import { EngagementMetric, ModerationFlag, Review } from './analytics/reputation.entity.ts';
import { FormSubmission, Lead, LeadModel, LeadScore } from './analytics/lead.entity.ts';
import { Forecast, ForecastPoint } from './analytics/forecast.entity.ts';
import { CrmSync, CrmSyncRecord } from './analytics/crm.entity.ts';
import { Customer, Subscription, SubscriptionChange } from './billing/subscription.entity.ts';
import { CreditAccount, CreditEntry, CreditNotice, CreditRate, CreditReservation, CreditTopup, CreditTransfer, TopupPack, TopupPackPrice } from './billing/credit.entity.ts';
import { DunningStep, InboundWebhook, Invoice, InvoiceCounter, InvoiceLine, Payment } from './billing/invoice.entity.ts';
import { Commission, CommissionRule, CommissionStatement, CommissionTier, DistributorAlert, MrrSnapshot, RetailPrice } from './billing/distributor.entity.ts';
import { PriceSuggestion } from './billing/pricing.entity.ts';

export const ALL_ENTITIES = [
  Tenant, Role, RolePermission, User, Membership, Session, ApiKey,
  Invitation, Plan, PlanPrice, PlanText, PlanAiModel, WhiteLabel, WhiteLabelText, CustomDomain,
  UiString, PromptLayer, BrandDnaSnapshot, OnboardingSession, OnboardingSource, LearningBatch,
  LearningFact, AiProvider, AiProviderSecret, AiModel, AiRoute, AiModelChoice, AiCall, AiEngineStatus, Connector,
  ConnectorSecret, ConnectorConnection, OauthToken, OauthState, WebhookEndpoint, WebhookDelivery,
  WebhookAttempt, GdprRequest, RetentionRule, GdprAudit, AuditLog, LegalDocument, LegalAcceptance,
  Channel, PipelineRun, PipelineStep, CalendarSlot, PostingTimeStat, ContentItem, ContentVersion,
  Publication, PublicationAttempt, Approval, ApprovalComment, ApprovalLink, ApprovalReminder, GenerationJob, Media, MediaTag,
  ContentMedia, Template, Campaign, UtmLink, SeoScore, SeoWeight, Competitor, CompetitorSource,
  CompetitorCapture, CompetitorAlert, CompetitorAlertEmail, MarketWatch, MarketSignal, EvergreenPolicy,
  EvergreenCandidate, Contact, ContactList, ContactListMember, Consent, UnsubscribeToken, EmailSequence,
  EmailSequenceStep, EmailSequenceEnrollment, MessageSend, MessageEvent, Experiment,
  ExperimentVariant, ExperimentAssignment, AnalyticsEvent, EventReceipt, EventDaily,
  ConversionDaily, VisitorSession, IdentityLink, Touchpoint, Conversion, AttributionRun,
  AttributionCredit, ForwardingDestination, ForwardingAttempt, BusinessMetric, Review,
  ModerationFlag, EngagementMetric, FormSubmission, Lead, LeadModel, LeadScore, Forecast,
  ForecastPoint, CrmSync, CrmSyncRecord, Customer, Subscription, SubscriptionChange, CreditAccount,
  CreditReservation, CreditTransfer, CreditEntry, CreditRate, TopupPack, TopupPackPrice, CreditNotice, CreditTopup,
  InvoiceCounter, Invoice, InvoiceLine, Payment, InboundWebhook, DunningStep, RetailPrice,
  CommissionRule, CommissionTier, CommissionStatement, Commission, MrrSnapshot, DistributorAlert,
  PriceSuggestion,
];
