"""factory_boy factories for lists, subscribers, subscriptions and mailings."""

from __future__ import annotations

import factory

from .models import Mailing, NewsletterList, Schedule, Subscriber, Subscription


class NewsletterListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NewsletterList
        django_get_or_create = ("slug",)

    name = "毎朝のニュース"
    slug = factory.Sequence(lambda n: f"morning-{n}")
    description = "前日から朝までの主なニュースを、毎朝7時にお届けします。"
    schedule = Schedule.DAILY
    sender_name = "週刊キシャ編集部"
    sender_email = "news@kisha.example"
    in_sidebar = True


class SubscriberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscriber

    email = factory.Sequence(lambda n: f"reader{n}@example.jp")


class SubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscription

    subscriber = factory.SubFactory(SubscriberFactory)
    newsletter = factory.SubFactory(NewsletterListFactory)
    state = Subscription.State.CONFIRMED


class MailingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mailing

    newsletter = factory.SubFactory(NewsletterListFactory)
    subject = "毎朝のニュース　12月1日"
    intro = "おはようございます。今朝の主なニュースをお届けします。"
